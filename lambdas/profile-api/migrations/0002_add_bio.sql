-- The profile's bio, as the reference app added it (its own migration, so it can be rolled back alone).
-- migrate:up
ALTER TABLE public.users ADD COLUMN bio text;

-- migrate:down
ALTER TABLE public.users DROP COLUMN bio;
