-- revision: 4d5e6f7a8b9c
-- down_revision: 2b3c4d5e6f7a, 3c4d5e6f7a8b
-- message: merge the surname and patronomic branches
-- create_date: 2026-11-25 08:30:00

-- upgrade

-- downgrade
