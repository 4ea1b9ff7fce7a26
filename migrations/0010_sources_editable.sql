-- Sources become entries the admin edits like the others: a version for optimistic locking,
-- when they were made and last changed, and their history written by the same trigger, with a
-- `seed` row for each source already here (the China Economic Net report).

ALTER TABLE sources
    ADD COLUMN version     integer NOT NULL DEFAULT 1,
    ADD COLUMN created_at  timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_at  timestamptz NOT NULL DEFAULT now();

CREATE TRIGGER sources_history AFTER INSERT OR UPDATE OR DELETE ON sources
    FOR EACH ROW EXECUTE FUNCTION record_history();

INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'sources', t.id, 'seed', 'From the China Economic Net report', to_jsonb(t)
FROM sources t ORDER BY t.id;
