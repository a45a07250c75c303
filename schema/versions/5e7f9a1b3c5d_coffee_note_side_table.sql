-- revision: 5e7f9a1b3c5d
-- down_revision: 4d5e6f7a8b9c
-- message: coffee_note: the distinct notes, kept by triggers for GET /coffee/notes
-- create_date: 2026-11-25 11:00:00

-- upgrade
-- Every note that some coffee lists, with how many times coffees list it. GET /coffee/notes reads
-- this (a few dozen rows) instead of unnesting every coffee's notes, which grows with the table.
-- "C" collation: the index order is code-point order, the order the route promises.
-- Writers wait until this migration commits (readers do not): a coffee written between the
-- backfill below and the triggers would otherwise never be counted.
LOCK TABLE coffee IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE coffee_note (
    note VARCHAR COLLATE "C" PRIMARY KEY,
    uses INTEGER NOT NULL
);

INSERT INTO coffee_note (note, uses)
SELECT note, count(*) FROM coffee, unnest(notes) AS note WHERE note IS NOT NULL GROUP BY note;

-- Adds one use per element of `added` and removes one per element of `removed`; a note left with
-- no use is deleted. Rows are locked in note order, so concurrent writers cannot deadlock here.
-- Removing a use that was never counted is an error: the table never drifts silently. (A CHECK
-- cannot say so: it would reject the negative row ON CONFLICT proposes before the conflict.)
CREATE FUNCTION coffee_note_apply(added VARCHAR[], removed VARCHAR[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  emptied VARCHAR[];
  overdrawn VARCHAR;
BEGIN
  WITH delta AS (
    SELECT note, sum(change) AS change
    FROM (SELECT note, 1 AS change FROM unnest(added) AS note
          UNION ALL
          SELECT note, -1 FROM unnest(removed) AS note) AS changes
    WHERE note IS NOT NULL
    GROUP BY note
    HAVING sum(change) <> 0
  ), counted AS (
    INSERT INTO coffee_note AS n (note, uses)
    SELECT note, change FROM delta ORDER BY note
    ON CONFLICT (note) DO UPDATE SET uses = n.uses + excluded.uses
    RETURNING note, uses
  )
  SELECT array_agg(note) FILTER (WHERE uses = 0), min(note) FILTER (WHERE uses < 0)
    INTO emptied, overdrawn FROM counted;
  IF overdrawn IS NOT NULL THEN
    RAISE EXCEPTION 'coffee_note: more uses of note % removed than counted', overdrawn;
  END IF;
  IF emptied IS NOT NULL THEN
    DELETE FROM coffee_note WHERE note = ANY (emptied) AND uses = 0;
  END IF;
END
$$;

-- One call per statement, with every changed row's notes (transition tables).
CREATE FUNCTION coffee_note_track() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM coffee_note_apply(ARRAY(SELECT unnest(notes) FROM new_coffee), '{}');
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM coffee_note_apply(ARRAY(SELECT unnest(notes) FROM new_coffee), ARRAY(SELECT unnest(notes) FROM old_coffee));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM coffee_note_apply('{}', ARRAY(SELECT unnest(notes) FROM old_coffee));
  ELSE
    TRUNCATE coffee_note;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER coffee_note_after_insert AFTER INSERT ON coffee
  REFERENCING NEW TABLE AS new_coffee FOR EACH STATEMENT EXECUTE FUNCTION coffee_note_track();
CREATE TRIGGER coffee_note_after_update AFTER UPDATE ON coffee
  REFERENCING OLD TABLE AS old_coffee NEW TABLE AS new_coffee FOR EACH STATEMENT EXECUTE FUNCTION coffee_note_track();
CREATE TRIGGER coffee_note_after_delete AFTER DELETE ON coffee
  REFERENCING OLD TABLE AS old_coffee FOR EACH STATEMENT EXECUTE FUNCTION coffee_note_track();
CREATE TRIGGER coffee_note_after_truncate AFTER TRUNCATE ON coffee
  FOR EACH STATEMENT EXECUTE FUNCTION coffee_note_track();

-- Like an index, the side table must follow coffee whatever the session does: bulk loads that set
-- session_replication_role = replica to skip foreign-key checks (bench/dataset.sql) still count.
ALTER TABLE coffee ENABLE ALWAYS TRIGGER coffee_note_after_insert;
ALTER TABLE coffee ENABLE ALWAYS TRIGGER coffee_note_after_update;
ALTER TABLE coffee ENABLE ALWAYS TRIGGER coffee_note_after_delete;
ALTER TABLE coffee ENABLE ALWAYS TRIGGER coffee_note_after_truncate;

-- downgrade
DROP TRIGGER coffee_note_after_truncate ON coffee;
DROP TRIGGER coffee_note_after_delete ON coffee;
DROP TRIGGER coffee_note_after_update ON coffee;
DROP TRIGGER coffee_note_after_insert ON coffee;
DROP FUNCTION coffee_note_track();
DROP FUNCTION coffee_note_apply(VARCHAR[], VARCHAR[]);
DROP TABLE coffee_note;
