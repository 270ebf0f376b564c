-- calculations_by_user (user_id, event_id) served lookups that calculations_by_user_seq
-- (user_id, seq) now serves: nothing reads it, and every applied row paid for its upkeep.
DROP INDEX IF EXISTS calculations_by_user;
