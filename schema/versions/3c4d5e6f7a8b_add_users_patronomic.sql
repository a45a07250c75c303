-- revision: 3c4d5e6f7a8b
-- down_revision: 1a2b3c4d5e6f
-- message: add users.patronomic
-- create_date: 2026-11-25 08:20:00

-- upgrade
ALTER TABLE users ADD COLUMN patronomic VARCHAR(50);

-- downgrade
ALTER TABLE users DROP COLUMN patronomic;
