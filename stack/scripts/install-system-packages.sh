#!/usr/bin/env bash
# Installs the Debian packages the native stack needs, only when one is missing.
# Service start-up by the package scripts is suppressed: the stack runs its own private instances.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

packages=(
  postgresql-15 nginx supervisor curl gettext-base iproute2
  # Monitoring and the benchmark report: Prometheus with exporters for nginx and Postgres, gnuplot for the chart.
  prometheus prometheus-nginx-exporter prometheus-postgres-exporter gnuplot-nox
  # The browser the web page's end-to-end test drives (through playwright-core, no browser download).
  chromium
  # librdkafka, bundled in @confluentinc/kafka-javascript, links against these.
  build-essential python3 libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev
)

# Debian enables these units; at the next boot they would hold the stack's ports (9090, 9113,
# 9187) and answer its readiness checks in its place. The stack runs its own instances.
disable_system_units() {
  command -v systemctl >/dev/null || return 0
  local unit
  for unit in prometheus prometheus-nginx-exporter prometheus-postgres-exporter; do
    if [ "$(systemctl is-enabled "$unit" 2>/dev/null)" = enabled ]; then
      "${sudo_cmd[@]}" systemctl disable "$unit" >/dev/null 2>&1 || warn "could not disable the system unit $unit"
      step "system unit $unit disabled (the stack starts its own)"
    fi
  done
}
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  step "system packages present"
  disable_system_units
  exit 0
fi

step "installing system packages: ${missing[*]}"

policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod +x "$policy"
  created_policy=1
fi
# An if, not `a && b`: as the trap's last command a false test would become the script's exit status.
cleanup() {
  if [ "$created_policy" -eq 1 ]; then "${sudo_cmd[@]}" rm -f "$policy"; fi
}
trap cleanup EXIT

# Debian would otherwise create and start a system cluster on 5432, the port the stack uses.
if [ ! -e /etc/postgresql-common/createcluster.conf ] || ! grep -q '^create_main_cluster' /etc/postgresql-common/createcluster.conf; then
  "${sudo_cmd[@]}" mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' | "${sudo_cmd[@]}" tee /etc/postgresql-common/createcluster.d/outbox-stack.conf >/dev/null
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
step "system packages installed"
disable_system_units
