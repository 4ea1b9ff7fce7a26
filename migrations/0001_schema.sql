-- Schema of the forum portal.
--
-- Shape chosen for what comes later (see README "Data model"):
--   * every human-readable field is a `localized_text`: a JSON object keyed by language
--     ({"en": "...", "zh": "...", "ur": "..."}) with English required. Adding Chinese and Urdu
--     is then a data change, not a schema change, and no query has to name a language.
--   * every row has a surrogate `id` (joins, foreign keys) and, where a visitor can address it,
--     a readable unique `slug` (URLs). Slugs can change in the admin without breaking foreign keys.
--   * every editable row has `version` (optimistic locking for concurrent admins) and
--     `published` (drafts hidden from visitors).
--   * deletes of published content never cascade: ON DELETE RESTRICT everywhere except rows
--     that are part of their parent (an agreement's party list, a person's quotes ordering).

CREATE FUNCTION is_localized_text(v jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT
    -- COALESCE: a CHECK passes on NULL, so a missing "en" must give false, not NULL.
    RETURN COALESCE(
        jsonb_typeof(v) = 'object'
        AND jsonb_typeof(v -> 'en') = 'string'
        AND length(btrim(v ->> 'en')) > 0
        AND NOT jsonb_path_exists(v, '$.keyvalue() ? (!(@.key == "en" || @.key == "zh" || @.key == "ur") || @.value.type() != "string")'),
        false);

CREATE DOMAIN localized_text AS jsonb
    CHECK (is_localized_text(VALUE));

CREATE DOMAIN slug AS text
    CHECK (VALUE ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(VALUE) <= 80);

CREATE DOMAIN http_url AS text
    CHECK (VALUE ~ '^https?://[^[:space:]]+$' AND length(VALUE) <= 2000);

CREATE DOMAIN country_code AS text
    CHECK (VALUE ~ '^[A-Z]{2}$');

-- Where facts come from. The seed records the China Economic Net report here.
CREATE TABLE sources (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          slug NOT NULL UNIQUE,
    publisher     text NOT NULL CHECK (length(btrim(publisher)) > 0),
    published_on  date NOT NULL,
    url           http_url,
    body          text
);

-- The forum itself: exactly one row.
CREATE TABLE forum (
    id              boolean PRIMARY KEY DEFAULT true CHECK (id),
    title           localized_text NOT NULL,
    subtitle        localized_text,
    held_on         date NOT NULL,
    city            localized_text NOT NULL,
    summary         localized_text,
    fair_name       localized_text NOT NULL,
    fair_short_name text,
    fair_starts_on  date,
    fair_ends_on    date,
    source_id       bigint REFERENCES sources (id) ON DELETE RESTRICT,
    version         integer NOT NULL DEFAULT 1,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (fair_starts_on IS NULL OR fair_ends_on IS NULL OR fair_starts_on <= fair_ends_on)
);

CREATE TABLE organisations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         slug NOT NULL UNIQUE,
    name         localized_text NOT NULL,
    short_name   text CHECK (short_name IS NULL OR length(btrim(short_name)) > 0),
    country      country_code,
    kind         text NOT NULL CHECK (kind IN ('embassy', 'company', 'association', 'government_authority', 'research_centre', 'other')),
    description  localized_text,
    website      http_url,
    source_id    bigint REFERENCES sources (id) ON DELETE RESTRICT,
    published    boolean NOT NULL DEFAULT true,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE people (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug             slug NOT NULL UNIQUE,
    name             localized_text NOT NULL,
    role             localized_text,
    organisation_id  bigint REFERENCES organisations (id) ON DELETE RESTRICT,
    bio              localized_text,
    photo_url        http_url,
    position         integer NOT NULL DEFAULT 0,
    source_id        bigint REFERENCES sources (id) ON DELETE RESTRICT,
    published        boolean NOT NULL DEFAULT true,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_organisation_id_idx ON people (organisation_id);

-- What a person said. `direct` quotes are the speaker's own words in quotation marks;
-- `reported` ones are the report's account of what they said, kept word for word.
CREATE TABLE quotes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id   bigint NOT NULL REFERENCES people (id) ON DELETE RESTRICT,
    body        localized_text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('direct', 'reported')),
    position    integer NOT NULL DEFAULT 0,
    source_id   bigint REFERENCES sources (id) ON DELETE RESTRICT,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quotes_person_id_idx ON quotes (person_id, position);

CREATE TABLE agreements (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug            slug NOT NULL UNIQUE,
    title           localized_text NOT NULL,
    kind            localized_text NOT NULL,
    signed_on       date,
    description     localized_text,
    establishes     localized_text,
    announced_by_id bigint REFERENCES people (id) ON DELETE RESTRICT,
    position        integer NOT NULL DEFAULT 0,
    source_id       bigint REFERENCES sources (id) ON DELETE RESTRICT,
    published       boolean NOT NULL DEFAULT true,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agreements_announced_by_id_idx ON agreements (announced_by_id);

-- The parties to an agreement, in the order the report names them.
CREATE TABLE agreement_parties (
    agreement_id     bigint NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    organisation_id  bigint NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    position         integer NOT NULL,
    PRIMARY KEY (agreement_id, organisation_id),
    UNIQUE (agreement_id, position) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX agreement_parties_organisation_id_idx ON agreement_parties (organisation_id);

-- Exhibitor booths at the host fair. Booth label and hall are unknown until an admin enters them.
CREATE TABLE booths (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug             slug NOT NULL UNIQUE,
    organisation_id  bigint NOT NULL UNIQUE REFERENCES organisations (id) ON DELETE RESTRICT,
    booth_label      text CHECK (booth_label IS NULL OR length(btrim(booth_label)) > 0),
    hall             text CHECK (hall IS NULL OR length(btrim(hall)) > 0),
    note             localized_text,
    position         integer NOT NULL DEFAULT 0,
    source_id        bigint REFERENCES sources (id) ON DELETE RESTRICT,
    published        boolean NOT NULL DEFAULT true,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Programmes and visions the speakers named (Digital Pakistan, the corridors, ...).
CREATE TABLE initiatives (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug             slug NOT NULL UNIQUE,
    name             localized_text NOT NULL,
    description      localized_text,
    mentioned_by_id  bigint REFERENCES people (id) ON DELETE RESTRICT,
    position         integer NOT NULL DEFAULT 0,
    source_id        bigint REFERENCES sources (id) ON DELETE RESTRICT,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX initiatives_mentioned_by_id_idx ON initiatives (mentioned_by_id);
