-- revision: 2b3c4d5e6f7a
-- down_revision: 1a2b3c4d5e6f
-- message: add users.surname
-- create_date: 2026-11-25 08:10:00

-- upgrade
ALTER TABLE users ADD COLUMN surname VARCHAR(50);

-- downgrade
ALTER TABLE users DROP COLUMN surname;
