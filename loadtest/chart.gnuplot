# bench/chart.png from bench/chart-data.tsv (written by write-report.mjs):
#   gnuplot -e "data='…'; output='…'; offered=3000; cpu_names='service-a postgres …'" loadtest/chart.gnuplot
# Columns: t, achieved, p50, p99, end-to-end p99, consumer lag, then one per word of cpu_names.
set terminal pngcairo size 1100,1000 font ",10"
set output output
set datafile separator "\t"
set datafile missing "NaN"
set key outside right top
set grid
set multiplot layout 3,1 title "make bench: CalculateSum through nginx"
set xlabel "seconds since start"
set xrange [0:*]

set title "throughput and consumer lag"
set ylabel "calls/s"
set yrange [0:offered * 1.2]
set y2label "records"
set y2tics
set y2range [0:*]
plot data using 1:2 with linespoints title "achieved", offered with lines dashtype 2 title "offered", \
     data using 1:6 axes x1y2 with lines title "consumer lag (right axis)"
unset y2tics
unset y2label

set title "latency"
set ylabel "ms"
set logscale y
set yrange [*:*]
plot data using 1:3 with linespoints title "client p50", \
     data using 1:4 with linespoints title "client p99", \
     data using 1:5 with linespoints title "end-to-end p99 (outbox to applied)"
unset logscale y

set title "CPU by process"
set ylabel "% of one core"
set yrange [0:*]
plot for [i=1:words(cpu_names)] data using 1:(column(6 + i)) with lines linewidth 2 title word(cpu_names, i)
unset multiplot
