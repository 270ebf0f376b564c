-- service-b's own database. Applied at start-up, idempotently, by the owner role service-b runs as.

-- One row per applied SumCalculated event. The primary key is the dedupe ledger: an event
-- delivered again finds its id here, inside the same transaction that would apply it.
CREATE TABLE IF NOT EXISTS calculations (
  event_id        uuid             PRIMARY KEY,
  user_id         text             NOT NULL,
  operands        double precision[] NOT NULL,
  sum             double precision NOT NULL,
  request_id      text,
  created_at      timestamptz      NOT NULL,  -- written to the outbox
  applied_at      timestamptz      NOT NULL DEFAULT now(),
  kafka_partition integer          NOT NULL,
  kafka_offset    bigint           NOT NULL
);
CREATE INDEX IF NOT EXISTS calculations_by_user ON calculations (user_id, event_id);

-- Running totals per user, updated in the same transaction as the calculations they count.
CREATE TABLE IF NOT EXISTS user_summaries (
  user_id           text             PRIMARY KEY,
  calculation_count bigint           NOT NULL,
  total             double precision NOT NULL,
  updated_at        timestamptz      NOT NULL DEFAULT now()
);
