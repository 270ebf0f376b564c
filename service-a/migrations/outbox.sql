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

-- Debezium streams exactly this table; created here so its role needs no ownership.
SELECT 'CREATE PUBLICATION ' || quote_ident(:'publication') || ' FOR TABLE outbox WITH (publish = ''insert'')'
WHERE NOT EXISTS (SELECT FROM pg_publication WHERE pubname = :'publication') \gexec
