-- The outbox, with the column names Debezium's Outbox Event Router expects.
-- Applied by the stack as the table's owner; service-a itself may only INSERT.
CREATE TABLE IF NOT EXISTS outbox (
  id            uuid        PRIMARY KEY,            -- event id (UUIDv7, made by service-a)
  aggregatetype text        NOT NULL,               -- 'user'
  aggregateid   text        NOT NULL,               -- user id: the Kafka key, hence per-user order
  type          text        NOT NULL,               -- event type, e.g. 'SumCalculated'
  payload       bytea       NOT NULL,               -- registry-framed (Confluent wire format) Avro
  traceparent   text,                               -- W3C trace context of the originating call
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Insert-then-delete: every inserted row is deleted again in the same transaction, so the table
-- stays empty while the WAL (which Debezium reads) still carries each insert. The publication
-- publishes inserts only, so the deletes never reach Kafka. The function runs as the table's
-- owner, which keeps service-a's own privilege at INSERT.
CREATE OR REPLACE FUNCTION outbox_discard_published() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  DELETE FROM outbox WHERE id IN (SELECT id FROM inserted_rows);
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION outbox_discard_published() FROM PUBLIC;
CREATE OR REPLACE TRIGGER outbox_discard_published
  AFTER INSERT ON outbox REFERENCING NEW TABLE AS inserted_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_discard_published();

-- Idempotency: the answer to each call that carried a request_id. A retry with the same
-- (user_id, request_id) gets the same sum and event id and writes no second event; the same id
-- sent with different input is refused, which input_digest (SHA-256 of user id and operands)
-- tells. Rows older than the idempotency window are pruned by service-a, which bounds the table.
CREATE TABLE IF NOT EXISTS request_keys (
  user_id      text             NOT NULL,
  request_id   text             NOT NULL,
  event_id     uuid             NOT NULL,
  sum          double precision NOT NULL,
  created_at   timestamptz      NOT NULL DEFAULT now(),
  input_digest bytea,
  PRIMARY KEY (user_id, request_id)
);
-- Databases created before the digest existed; their keys keep a null digest, which service-a
-- treats as matching, and age out within the idempotency window. Only issued when the column is
-- missing: even a no-op ALTER TABLE waits for an exclusive lock, stalling inserts in flight.
SELECT 'ALTER TABLE request_keys ADD COLUMN IF NOT EXISTS input_digest bytea'
WHERE NOT EXISTS (
  SELECT FROM pg_attribute
  WHERE attrelid = 'request_keys'::regclass AND attname = 'input_digest' AND NOT attisdropped
) \gexec
CREATE INDEX IF NOT EXISTS request_keys_by_age ON request_keys (created_at);

-- Debezium streams exactly this table; created here so its role needs no ownership.
SELECT 'CREATE PUBLICATION ' || quote_ident(:'publication') || ' FOR TABLE outbox WITH (publish = ''insert'')'
WHERE NOT EXISTS (SELECT FROM pg_publication WHERE pubname = :'publication') \gexec
