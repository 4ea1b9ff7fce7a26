-- The floor plan (issue 14): halls with a plan size, and each booth's hall and rectangle on it.
--
-- The report gives no hall, booth number or position: the seed has none, and nothing here
-- invents one. What an admin may already have typed in the old free-text `booths.hall` is kept:
-- each distinct text becomes a hall of that (English) name, without a plan size (nobody said
-- one), and its booths point at it. The text column stays, now written by the database from
-- the booth's hall (its English name), so every page, export, the API and search that read it
-- keep working, and the admin edits the hall as a reference instead.
--
-- Units: the hall's plan units (metres suggested), with at most two decimals. The plan's
-- origin is the hall's top-left corner as the plan is drawn (x to the right, y down), the same
-- in every language: a plan is a map of a real hall and is never mirrored.

CREATE TABLE halls (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         slug NOT NULL UNIQUE,
    name         localized_text NOT NULL,
    -- The plan's size; unknown (NULL) until an admin gives it. No booth can be placed before.
    plan_width   numeric(7, 2) CHECK (plan_width > 0),
    plan_height  numeric(7, 2) CHECK (plan_height > 0),
    position     integer NOT NULL DEFAULT 0,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT halls_plan_size_complete CHECK ((plan_width IS NULL) = (plan_height IS NULL))
);

CREATE TRIGGER halls_history AFTER INSERT OR UPDATE OR DELETE ON halls
    FOR EACH ROW EXECUTE FUNCTION record_history();
CREATE TRIGGER halls_notify AFTER INSERT OR UPDATE OR DELETE ON halls
    FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content();
CREATE TRIGGER halls_notify_truncate AFTER TRUNCATE ON halls
    FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content();

ALTER TABLE booths
    ADD COLUMN hall_id      bigint REFERENCES halls (id) ON DELETE RESTRICT,
    ADD COLUMN plan_x       numeric(7, 2) CHECK (plan_x >= 0),
    ADD COLUMN plan_y       numeric(7, 2) CHECK (plan_y >= 0),
    ADD COLUMN plan_width   numeric(7, 2) CHECK (plan_width > 0),
    ADD COLUMN plan_height  numeric(7, 2) CHECK (plan_height > 0),
    ADD CONSTRAINT booths_plan_complete CHECK (
        (plan_x IS NULL) = (plan_y IS NULL)
        AND (plan_x IS NULL) = (plan_width IS NULL)
        AND (plan_x IS NULL) = (plan_height IS NULL)),
    ADD CONSTRAINT booths_plan_needs_hall CHECK (plan_x IS NULL OR hall_id IS NOT NULL);

CREATE INDEX booths_hall_idx ON booths (hall_id) WHERE hall_id IS NOT NULL;

-- What admins typed before: one hall per distinct text (first seen first), booths linked.
INSERT INTO halls (slug, name, position)
SELECT 'hall-' || row_number() OVER (ORDER BY min(b.id)), jsonb_build_object('en', btrim(b.hall)),
       row_number() OVER (ORDER BY min(b.id))
FROM booths b WHERE b.hall IS NOT NULL
GROUP BY btrim(b.hall);
UPDATE booths b SET hall_id = h.id
FROM halls h WHERE b.hall IS NOT NULL AND h.name ->> 'en' = btrim(b.hall);

-- A booth's `hall` text follows its hall: set from the hall's English name whenever the hall
-- is chosen or changed, cleared when it is taken away. A booth inserted with a text and no hall
-- (the demo data, older tools) keeps its text.
CREATE FUNCTION booths_hall_text() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.hall_id IS NOT NULL THEN
        NEW.hall := (SELECT h.name ->> 'en' FROM halls h WHERE h.id = NEW.hall_id);
    ELSIF TG_OP = 'UPDATE' AND OLD.hall_id IS NOT NULL THEN
        NEW.hall := NULL;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER booths_hall_text BEFORE INSERT OR UPDATE OF hall_id ON booths
    FOR EACH ROW EXECUTE FUNCTION booths_hall_text();

CREATE FUNCTION halls_rename_booths() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE booths SET hall = NEW.name ->> 'en', version = version + 1, updated_at = now()
     WHERE hall_id = NEW.id AND hall IS DISTINCT FROM NEW.name ->> 'en';
    RETURN NULL;
END;
$$;
CREATE TRIGGER halls_rename_booths AFTER UPDATE OF name ON halls
    FOR EACH ROW EXECUTE FUNCTION halls_rename_booths();

-- A placed booth lies inside its hall's plan and overlaps no other booth of that hall (touching
-- edges is fine). Checked here, holding the hall's row, so two admins placing booths at once
-- cannot both take the same place. The errors name a constraint the admin turns into a form error.
CREATE FUNCTION booths_check_plan() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    hall halls;
    other text;
BEGIN
    IF NEW.plan_x IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT * INTO hall FROM halls WHERE id = NEW.hall_id FOR UPDATE;
    IF hall.plan_width IS NULL THEN
        RAISE EXCEPTION 'the hall has no plan size'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'booths_plan_hall_unsized';
    END IF;
    IF NEW.plan_x + NEW.plan_width > hall.plan_width OR NEW.plan_y + NEW.plan_height > hall.plan_height THEN
        RAISE EXCEPTION 'the booth lies outside its hall'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'booths_plan_inside_hall';
    END IF;
    SELECT COALESCE(b.booth_label, b.slug) INTO other FROM booths b
     WHERE b.hall_id = NEW.hall_id AND b.id <> NEW.id AND b.plan_x IS NOT NULL
       AND b.plan_x < NEW.plan_x + NEW.plan_width AND NEW.plan_x < b.plan_x + b.plan_width
       AND b.plan_y < NEW.plan_y + NEW.plan_height AND NEW.plan_y < b.plan_y + b.plan_height
     ORDER BY b.id LIMIT 1;
    IF other IS NOT NULL THEN
        RAISE EXCEPTION 'the booth overlaps another booth'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'booths_plan_overlap', DETAIL = other;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER booths_check_plan BEFORE INSERT OR UPDATE OF hall_id, plan_x, plan_y, plan_width, plan_height
    ON booths FOR EACH ROW EXECUTE FUNCTION booths_check_plan();

-- A hall's plan cannot shrink (or lose its size) under the booths placed on it.
CREATE FUNCTION halls_check_plan() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM booths b WHERE b.hall_id = NEW.id AND b.plan_x IS NOT NULL
                 AND (NEW.plan_width IS NULL
                      OR b.plan_x + b.plan_width > NEW.plan_width
                      OR b.plan_y + b.plan_height > NEW.plan_height)) THEN
        RAISE EXCEPTION 'booths placed on this hall would lie outside it'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'halls_plan_holds_booths';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER halls_check_plan BEFORE UPDATE OF plan_width, plan_height ON halls
    FOR EACH ROW EXECUTE FUNCTION halls_check_plan();
