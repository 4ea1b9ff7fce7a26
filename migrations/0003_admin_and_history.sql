-- Admin accounts, first-admin setup tokens, login throttling, and the change history.

CREATE TABLE admins (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          text NOT NULL CHECK (email = lower(btrim(email)) AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 254),
    password_hash  text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (email)
);

-- One-time links that let the first admin be created in the browser. Only hashes are kept.
CREATE TABLE setup_tokens (
    token_hash  text PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Failed logins per account and per client address, shared by every instance.
CREATE TABLE login_failures (
    key            text PRIMARY KEY,
    failures       integer NOT NULL,
    window_start   timestamptz NOT NULL,
    locked_until   timestamptz
);

-- Every change to the content tables, written by triggers in the same transaction as the change:
-- who (the admin named in the transaction's `portal.admin_id` setting), when, and the whole row
-- before and after. Agreements' snapshots include their ordered party list.
CREATE TABLE history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity     text NOT NULL,
    entity_id  bigint NOT NULL,
    action     text NOT NULL CHECK (action IN ('seed', 'create', 'update', 'delete')),
    admin_id   bigint REFERENCES admins (id) ON DELETE SET NULL,
    note       text,
    at         timestamptz NOT NULL DEFAULT now(),
    before     jsonb,
    after      jsonb
);
CREATE INDEX history_entity_idx ON history (entity, entity_id, id);
CREATE INDEX history_at_idx ON history (at DESC);

-- A row as history keeps it.
CREATE FUNCTION history_snapshot(entity text, item jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    RETURN CASE WHEN entity = 'agreements' THEN
        item || jsonb_build_object('parties', COALESCE(
            (SELECT jsonb_agg(ap.organisation_id ORDER BY ap.position)
             FROM agreement_parties ap WHERE ap.agreement_id = (item ->> 'id')::bigint),
            '[]'::jsonb))
    ELSE item END;

CREATE FUNCTION record_history() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    admin bigint := NULLIF(current_setting('portal.admin_id', true), '')::bigint;
    note text := NULLIF(current_setting('portal.history_note', true), '');
    item_id bigint;
    previous jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO history (entity, entity_id, action, admin_id, note, before, after)
        VALUES (TG_TABLE_NAME, NEW.id, 'create', admin, note, NULL, history_snapshot(TG_TABLE_NAME, to_jsonb(NEW)));
        RETURN NEW;
    END IF;
    item_id := OLD.id;
    -- "Before" is what history last recorded, so changes to an agreement's parties made
    -- earlier in this transaction are still seen as changes.
    SELECT h.after INTO previous FROM history h
     WHERE h.entity = TG_TABLE_NAME AND h.entity_id = item_id AND h.after IS NOT NULL
     ORDER BY h.id DESC LIMIT 1;
    IF previous IS NULL THEN
        previous := history_snapshot(TG_TABLE_NAME, to_jsonb(OLD));
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO history (entity, entity_id, action, admin_id, note, before, after)
        VALUES (TG_TABLE_NAME, NEW.id, 'update', admin, note, previous, history_snapshot(TG_TABLE_NAME, to_jsonb(NEW)));
        RETURN NEW;
    END IF;
    INSERT INTO history (entity, entity_id, action, admin_id, note, before, after)
    VALUES (TG_TABLE_NAME, OLD.id, 'delete', admin, note, previous, NULL);
    RETURN OLD;
END;
$$;

CREATE TRIGGER organisations_history AFTER INSERT OR UPDATE OR DELETE ON organisations FOR EACH ROW EXECUTE FUNCTION record_history();
CREATE TRIGGER people_history AFTER INSERT OR UPDATE OR DELETE ON people FOR EACH ROW EXECUTE FUNCTION record_history();
CREATE TRIGGER quotes_history AFTER INSERT OR UPDATE OR DELETE ON quotes FOR EACH ROW EXECUTE FUNCTION record_history();
-- Deferred to commit, so the snapshot sees the parties written after the agreement row.
CREATE CONSTRAINT TRIGGER agreements_history AFTER INSERT OR UPDATE OR DELETE ON agreements
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION record_history();
CREATE TRIGGER booths_history AFTER INSERT OR UPDATE OR DELETE ON booths FOR EACH ROW EXECUTE FUNCTION record_history();
CREATE TRIGGER initiatives_history AFTER INSERT OR UPDATE OR DELETE ON initiatives FOR EACH ROW EXECUTE FUNCTION record_history();

-- The forum row has no id column of its own worth keeping; give history one to key on.
ALTER TABLE forum ADD COLUMN history_id bigint NOT NULL DEFAULT 1 CHECK (history_id = 1);
CREATE FUNCTION record_forum_history() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    previous jsonb;
BEGIN
    SELECT h.after INTO previous FROM history h
     WHERE h.entity = 'forum' AND h.entity_id = 1 AND h.after IS NOT NULL ORDER BY h.id DESC LIMIT 1;
    INSERT INTO history (entity, entity_id, action, admin_id, note, before, after)
    VALUES ('forum', 1, 'update', NULLIF(current_setting('portal.admin_id', true), '')::bigint,
            NULLIF(current_setting('portal.history_note', true), ''),
            COALESCE(previous, to_jsonb(OLD)), to_jsonb(NEW));
    RETURN NEW;
END;
$$;
CREATE TRIGGER forum_history AFTER UPDATE ON forum FOR EACH ROW EXECUTE FUNCTION record_forum_history();

-- The starting point of every entry's history: what the seed (or anything before this
-- migration) put there.
INSERT INTO history (entity, entity_id, action, note, at, after)
SELECT 'forum', 1, 'seed', 'From the China Economic Net report', now(), to_jsonb(f) FROM forum f;
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'organisations', t.id, 'seed', 'From the China Economic Net report', to_jsonb(t) FROM organisations t ORDER BY t.id;
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'people', t.id, 'seed', 'From the China Economic Net report', to_jsonb(t) FROM people t ORDER BY t.id;
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'quotes', t.id, 'seed', 'From the China Economic Net report', to_jsonb(t) FROM quotes t ORDER BY t.id;
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'agreements', t.id, 'seed', 'From the China Economic Net report', history_snapshot('agreements', to_jsonb(t)) FROM agreements t ORDER BY t.id;
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'booths', t.id, 'seed', 'From the China Economic Net report', to_jsonb(t) FROM booths t ORDER BY t.id;
INSERT INTO history (entity, entity_id, action, note, after)
SELECT 'initiatives', t.id, 'seed', 'From the China Economic Net report', to_jsonb(t) FROM initiatives t ORDER BY t.id;

