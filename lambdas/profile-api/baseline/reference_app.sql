-- Brings the reference app's existing public.users (uuid, display_name, handle, email, cognito_user_id,
-- created_at, perhaps bio; created by its schema.sql) to what migration 0001 leaves, keeping every row. Run once,
-- in one transaction with the ledger rows that record 0001 (and 0002 when bio exists) as adopted.

-- A profile created on a user's first request comes from an access token, which carries no email.
ALTER TABLE public.users ALTER COLUMN email DROP NOT NULL;

-- gen_random_uuid() is built in since Postgres 13; uuid-ossp may stay installed, nothing here needs it.
ALTER TABLE public.users ALTER COLUMN uuid SET DEFAULT gen_random_uuid();

ALTER TABLE public.users ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();

-- One row per Cognito user (the first-request insert's ON CONFLICT needs it) and per handle. Duplicates already
-- in the table stop the adoption here, naming the key, with nothing changed.
CREATE UNIQUE INDEX IF NOT EXISTS users_cognito_user_id_key ON public.users (cognito_user_id);
CREATE UNIQUE INDEX IF NOT EXISTS users_handle_key ON public.users (handle);
