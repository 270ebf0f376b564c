#!/usr/bin/env bash
# Formats the KRaft storage once, starts the broker and creates the topics explicitly.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$STACK_DIR/defaults.env"

if [ ! -f "$RUN_DIR/kafka-data/meta.properties" ]; then
  step "formatting Kafka storage (KRaft)"
  [ -f "$RUN_DIR/kafka-cluster-id" ] || kafka_tool kafka.tools.StorageTool random-uuid > "$RUN_DIR/kafka-cluster-id"
  kafka_tool kafka.tools.StorageTool format --standalone --ignore-formatted \
    -t "$(cat "$RUN_DIR/kafka-cluster-id")" -c "$RUN_DIR/conf/server.properties" >/dev/null
  # Formatted by whoever runs this; the broker runs as the stack's user (prepare-stack-user.sh).
  chown -R "$(stack_os_user):" "$RUN_DIR/kafka-data"
fi

sv_start kafka
kafka_listening() { (exec 3<>"/dev/tcp/$STACK_HOST/$KAFKA_PORT") 2>/dev/null; }
wait_for "Kafka on :$KAFKA_PORT" 90 ready_as kafka "$KAFKA_PORT" kafka_listening

create_topic() {
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$STACK_HOST:$KAFKA_PORT" \
    --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor 1 --config retention.ms=604800000
}
# The broker accepts connections a moment before it takes admin requests.
wait_for "topic $USER_EVENTS_TOPIC ($USER_EVENTS_PARTITIONS partitions)" 60 create_topic "$USER_EVENTS_TOPIC" "$USER_EVENTS_PARTITIONS"
wait_for "topic $USER_EVENTS_TOPIC.dlq" 30 create_topic "$USER_EVENTS_TOPIC.dlq" 1
