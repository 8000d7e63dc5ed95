-- The users the app knows: one row per Cognito user, created at sign-up. gen_random_uuid() is built in since
-- Postgres 13 (no pgcrypto extension to create or drop).
-- migrate:up
CREATE TABLE public.users (
  uuid            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  handle          text        NOT NULL UNIQUE,
  display_name    text        NOT NULL,
  cognito_user_id text        NOT NULL UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE public.users;
