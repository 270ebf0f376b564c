#!/usr/bin/env bash
# make consumer-groups ARGS="...": Kafka's consumer group tool against the stack's broker, e.g.
#   --describe --group service-b
#   --reset-offsets --group service-b --topic user-events --to-datetime 2026-01-01T00:00:00.000 --execute
# (a reset needs every member of the group stopped first).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$STACK_DIR/defaults.env"
kafka_tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server "$STACK_HOST:$KAFKA_PORT" "$@"
