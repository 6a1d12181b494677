-- An idempotency key is bound to the arguments of the call that claimed it: a SHA-256
-- of their JSON. Keys claimed before this version have none and match any call.
ALTER TABLE guarded_idempotency ADD COLUMN fingerprint VARCHAR(64);
