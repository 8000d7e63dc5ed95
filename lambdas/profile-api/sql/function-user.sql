-- The profile function's own database user: it may read, insert and update rows of public.users (what
-- GET/POST/PUT /api/profile* do) and nothing else: no DDL, no other table, no DELETE. Run once per database as the
-- owner (the user `make migrate` connects as), after the migrations, with psql:
--
--   psql "$OWNER_URL" -v password="$(openssl rand -base64 32 | tr -d '/+=')" -f lambdas/profile-api/sql/function-user.sql
--
-- then store the function's URL with that password: make db-url ENV=<env>
--   postgres://profile_api:<password>@<host>:5432/<database>?sslmode=verify-full
-- A migration that adds a table the function reads needs a GRANT like the one below in the same change.
CREATE ROLE profile_api LOGIN PASSWORD :'password';

DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO profile_api', current_database());
END
$$;

-- Since Postgres 15 nobody but the owner may create objects in the public schema; say so for older servers too.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO profile_api;
GRANT SELECT, INSERT, UPDATE ON public.users TO profile_api;
