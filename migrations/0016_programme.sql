-- The forum's programme (issue 14): items with a start and an end (stored as instants,
-- `timestamptz`; the admin enters and the pages show them as Beijing wall-clock time), a title
-- and a place in every language, an optional description, and their speakers in order.
-- The report gives no times, so nothing is seeded: the programme appears once an admin adds
-- items.

CREATE TABLE programme_items (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title        localized_text NOT NULL,
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL,
    place        localized_text,
    description  localized_text,
    source_id    bigint REFERENCES sources (id) ON DELETE RESTRICT,
    published    boolean NOT NULL DEFAULT false,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT programme_items_ends_after_start CHECK (ends_at > starts_at)
);
-- The home page: published items in time order.
CREATE INDEX programme_items_published_order_idx ON programme_items (starts_at, id) WHERE published;

-- Who speaks in an item, in order (like an agreement's parties).
CREATE TABLE programme_speakers (
    item_id    bigint NOT NULL REFERENCES programme_items (id) ON DELETE CASCADE,
    person_id  bigint NOT NULL REFERENCES people (id) ON DELETE RESTRICT,
    position   integer NOT NULL,
    PRIMARY KEY (item_id, person_id),
    UNIQUE (item_id, position) DEFERRABLE INITIALLY IMMEDIATE
);
-- A speaker's page: the items they speak in.
CREATE INDEX programme_speakers_person_id_idx ON programme_speakers (person_id);

-- A row as history keeps it: an agreement with its parties, a programme item with its speakers.
CREATE OR REPLACE FUNCTION history_snapshot(entity text, item jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    RETURN CASE
        WHEN entity = 'agreements' THEN
            item || jsonb_build_object('parties', COALESCE(
                (SELECT jsonb_agg(ap.organisation_id ORDER BY ap.position)
                 FROM agreement_parties ap WHERE ap.agreement_id = (item ->> 'id')::bigint),
                '[]'::jsonb))
        WHEN entity = 'programme_items' THEN
            item || jsonb_build_object('speakers', COALESCE(
                (SELECT jsonb_agg(ps.person_id ORDER BY ps.position)
                 FROM programme_speakers ps WHERE ps.item_id = (item ->> 'id')::bigint),
                '[]'::jsonb))
        ELSE item END;

-- Deferred to commit, so the snapshot sees the speakers written after the item's row.
CREATE CONSTRAINT TRIGGER programme_items_history AFTER INSERT OR UPDATE OR DELETE ON programme_items
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION record_history();

-- Public pages show the programme: announce its changes like the other content (0011).
CREATE TRIGGER programme_items_notify AFTER INSERT OR UPDATE OR DELETE ON programme_items
    FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content();
CREATE TRIGGER programme_items_notify_truncate AFTER TRUNCATE ON programme_items
    FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content();
CREATE TRIGGER programme_speakers_notify AFTER INSERT OR UPDATE OR DELETE ON programme_speakers
    FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content();
CREATE TRIGGER programme_speakers_notify_truncate AFTER TRUNCATE ON programme_speakers
    FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content();
