-- Apply order for calculations, for cursor pagination and the live stream (/v1/…/stream).
-- (Superseded by 004_seq_by_transaction.sql: apply transactions no longer take a lock, and seq is
-- numbered from the transaction's id. What follows describes this migration as it ran.)
--
-- applyBatch takes a transaction-level advisory lock before inserting, so apply transactions run
-- one at a time: a row's seq is drawn after every earlier transaction has committed, and commit
-- order equals seq order. A reader that has seen seq N therefore never sees a smaller seq appear
-- later, which is what lets `WHERE seq > last seen` miss nothing. The numbers themselves may skip
-- (a rolled-back batch, a duplicate skipped by ON CONFLICT still draws a value); no reader relies
-- on them being consecutive. The sequence must keep CACHE 1 (the default): values cached per
-- connection would be handed out out of order across the pool's connections.
--
-- Adding the column fills the existing rows (in physical order) under an ACCESS EXCLUSIVE lock
-- that rewrites the table: harmless while the table is small, worth a maintenance window once it is large.
ALTER TABLE calculations ADD COLUMN IF NOT EXISTS seq bigint GENERATED ALWAYS AS IDENTITY;

-- A user's calculations newest first, and a user's stream: WHERE user_id = $1 AND seq < / > $2.
CREATE INDEX IF NOT EXISTS calculations_by_user_seq ON calculations (user_id, seq);
-- The all-users stream and the starting point of a new one (max(seq)); unique as a guard.
CREATE UNIQUE INDEX IF NOT EXISTS calculations_seq ON calculations (seq);
