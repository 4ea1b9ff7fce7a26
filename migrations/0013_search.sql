-- Search in three languages (issue 13): `/search?q=` finds people, organisations, agreements,
-- booths, initiatives and quotes by a word in English, Chinese or Urdu, whatever the page's
-- language. PostgreSQL does the work, with indexes. README "Search" says what a visitor gets;
-- this file is how.
--
-- Why not pg_trgm: it keeps only the characters the database's locale calls letters, and the
-- portal's clusters use the C locale (src/embedded_pg.rs), where no Chinese or Urdu character
-- is one: `show_trgm('合作')` is empty. And a trigram index cannot serve a two-character
-- Chinese word anyway. So the index holds its own lexemes (below), locale-free.
--
-- How an entry is found, for a query split into words (`search_words`):
--   * English full-text search over the entry's English texts (`english`, stemmed:
--     "agreements" finds "agreement"), with `websearch_to_tsquery`, which never raises on odd
--     input; its rank orders the results. Or:
--   * every word of the query is in the entry's text, in any language (`doc`): a word in
--     Chinese (or Japanese or Korean) characters anywhere in it, any other word (English,
--     Urdu, a number) as the start of one of its words. Chinese is written without spaces, so
--     its characters are indexed one by one and in pairs: a word of two characters is looked
--     up as its pair, a longer one as all its pairs (then checked in the text with `strpos`:
--     pairs may occur apart); one character is looked up alone.
--
-- Both sides go through one normalisation, `search_normalize`, used for what is indexed and
-- for the query alike, so they always agree. It:
--   * decomposes (NFKD): full-width Latin letters and digits become ASCII (ＡＢＣ → abc),
--     Arabic presentation forms become letters (ﻙ → ك), accented letters split into letter
--     and accent (Zhāng → Zha + ◌̄), hamza and madda carried by a letter split off (أ → ا + ◌ٔ,
--     ۂ → ہ + ◌ٔ, ئ → ي + ◌ٔ);
--   * lower-cases ASCII letters (only ASCII: the same in every locale, and after NFKD every
--     Latin letter the content uses is ASCII);
--   * removes what readers do not type or type inconsistently: Latin accents (U+0300–036F);
--     Arabic-script diacritics — harakat and the hamza/madda marks (U+064B–065F), superscript
--     alef (U+0670), Quranic annotation signs (U+0610–061A, U+06D6–06ED) — and tatweel
--     (U+0640); soft hyphen; zero-width space, joiner and non-joiner, direction marks and
--     bidi controls (U+200B–200F, U+202A–202E, U+2060–206F, U+061C, U+FEFF);
--   * folds the letter variants that Arabic and Persian keyboards type for Urdu letters:
--     Arabic yeh ي and alef maksura ى → Farsi yeh ی; Arabic kaf ك and swash kaf ڪ → keheh ک;
--     Arabic heh ه, ae ە, teh marbuta ة and Urdu teh marbuta goal ۃ → heh goal ہ (ة/ۃ end
--     words where Urdu writers also write ہ: صلوۃ/صلوة/صلوہ); alef wasla ٱ → ا; Arabic-Indic
--     and Urdu digits → 0–9. Kept apart on purpose: do-chashmi heh ھ (aspiration: کھ is not
--     کہ) and bari yeh ے (کے is not کی), which Urdu readers tell apart;
--   * turns punctuation and spacing of every script into a space (ASCII punctuation, Urdu
--     ، ؛ ؟ ۔, Chinese ，。、「」…), so words are what lies between spaces.
-- Because hamza marks go, ئ and ی meet (آئی and ایی); that costs nothing a reader would miss.

-- ── Normalisation ──────────────────────────────────────────────────────────────────────────

-- The letter variants above (a translate only where one occurs: few texts have any, and
-- translate is the slowest step otherwise).
CREATE FUNCTION search_fold_letters(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN t ~ '[يىكڪهەةۃٱ٠-٩۰-۹]'
                THEN translate(t, 'يىكڪهەةۃٱ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹', 'ییککہہہہا01234567890123456789')
                ELSE t END;

-- The one normalisation of indexed text and queries (see the top of this file). Its Rust twin,
-- `db::search::normalize`, only finds where to put highlights; a test holds them equal.
CREATE FUNCTION search_normalize(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(
        search_fold_letters(regexp_replace(
            lower(normalize(t, NFKD) COLLATE "C"),
            '[\u00AD\u0300-\u036F\u0610-\u061A\u061C\u0640\u064B-\u065F\u0670\u06D6-\u06ED\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]',
            '', 'g')),
        -- everything but a space, a-z, 0-9 and the letters of other scripts; and the
        -- punctuation among those
        '[^ a-z0-9\u00C0-\u1FFF\u3005-\u3007\u3040-\uFFFF\U00010000-\U0010FFFF]|[\u00D7\u00F7\u0600-\u060F\u061B\u061D-\u061F\u066A-\u066D\u06D4\uFD3E\uFD3F\uFE10-\uFE6F\uFF00-\uFF65]',
        ' ', 'g');

-- Chinese, Japanese and Korean characters, written without spaces between words: a run of
-- them is indexed character by character and in pairs.
CREATE FUNCTION search_cjk_pattern() RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '[\u2E80-\u2FDF\u3005-\u3007\u3021-\u3029\u3040-\u30FF\u3100-\u312F\u31A0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\U00020000-\U0003FFFF]+';

-- ── What an entry is found by ─────────────────────────────────────────────────────────────

-- The lexemes of a normalised text: its words — split at spaces and around Chinese
-- characters, so "zbra中国" holds the word "zbra" — which prefix searches find, and each
-- Chinese character and each pair of neighbouring ones. A word too long to be a lexeme (no
-- real word is) is left out. (Set-based: twice as fast as a PL/pgSQL loop.)
CREATE FUNCTION search_lexemes(doc text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN array_to_tsvector(ARRAY(
        SELECT w FROM unnest(string_to_array(
                   CASE WHEN doc ~ search_cjk_pattern()
                        THEN regexp_replace(doc, search_cjk_pattern(), ' ', 'g')
                        ELSE doc END, ' ')) AS w
         WHERE w <> '' AND octet_length(w) <= 240
        UNION ALL
        SELECT g FROM regexp_matches(doc, search_cjk_pattern(), 'g') AS run,
                      string_to_array(run[1], NULL) AS c,
                      LATERAL (SELECT x FROM unnest(c) AS x
                               UNION ALL
                               SELECT x || y FROM unnest(c[1:cardinality(c) - 1], c[2:]) AS pair (x, y)
                              ) AS grams (g)));

-- The versions of a localized text, for indexing (a name the same in every language once).
CREATE FUNCTION search_versions(t jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN concat_ws(' ', t ->> 'en', nullif(t ->> 'zh', t ->> 'en'), nullif(t ->> 'ur', t ->> 'en'));

-- An entry's English texts, weighted for ranking: its name (A), what kind of thing it is (B),
-- what is said about it (C).
CREATE FUNCTION search_english(name text, kind text, about text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN setweight(to_tsvector('english', coalesce(name, '')), 'A')
        || setweight(to_tsvector('english', coalesce(kind, '')), 'B')
        || setweight(to_tsvector('english', coalesce(about, '')), 'C');

-- What is searchable in an entry: its name in every language (`title`), the rest of what its
-- page shows (`about`), and its English texts for ranking (`english`, from search_english).
CREATE TYPE search_source AS (title text, about text, english tsvector);

-- The source of each kind of entry, overloaded by the entry's row type (so one trigger
-- function serves every table).
CREATE FUNCTION search_source(p people) RETURNS search_source
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ROW(search_versions(p.name),
               concat_ws(' ', search_versions(p.role), search_versions(p.bio)),
               search_english(p.name ->> 'en', p.role ->> 'en', p.bio ->> 'en'));

CREATE FUNCTION search_source(o organisations) RETURNS search_source
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ROW(concat_ws(' ', search_versions(o.name), o.short_name),
               search_versions(o.description),
               search_english(concat_ws(' ', o.name ->> 'en', o.short_name), NULL,
                              o.description ->> 'en'));

CREATE FUNCTION search_source(a agreements) RETURNS search_source
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ROW(search_versions(a.title),
               concat_ws(' ', search_versions(a.kind), search_versions(a.description),
                         search_versions(a.establishes)),
               search_english(a.title ->> 'en', a.kind ->> 'en',
                              concat_ws(' ', a.description ->> 'en', a.establishes ->> 'en')));

-- A booth is found by its organisation's name (its page is titled with it), its booth label
-- and hall, and its note.
CREATE FUNCTION search_source(b booths) RETURNS search_source
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT ROW(concat_ws(' ', search_versions(o.name), o.short_name),
                       concat_ws(' ', b.booth_label, b.hall, search_versions(b.note)),
                       search_english(concat_ws(' ', o.name ->> 'en', o.short_name),
                                      concat_ws(' ', b.booth_label, b.hall), b.note ->> 'en'))::search_source
              FROM organisations o WHERE o.id = b.organisation_id);

CREATE FUNCTION search_source(i initiatives) RETURNS search_source
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ROW(search_versions(i.name), search_versions(i.description),
               search_english(i.name ->> 'en', NULL, i.description ->> 'en'));

-- A quote has no name: its words are all there is.
CREATE FUNCTION search_source(q quotes) RETURNS search_source
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ROW(NULL, search_versions(q.body), search_english(NULL, NULL, q.body ->> 'en'));

-- ── The index ──────────────────────────────────────────────────────────────────────────────

-- One row per searchable entry, kept by the triggers below in the same statement as the
-- change. Derived data only: no history, nothing an admin edits. Each `*_id` column is a
-- foreign key to its entry with ON DELETE CASCADE, so a deleted entry leaves no row behind,
-- even when the entry's own triggers are off (demo-data's clear: `DISABLE TRIGGER USER`
-- leaves foreign keys working). Whether an entry may be shown (published; a quote's speaker
-- published) is read from the entry itself when searching, so publishing costs nothing here.
CREATE TABLE search_entries (
    kind            text NOT NULL CHECK (kind IN ('people', 'organisations', 'agreements', 'booths', 'initiatives', 'quotes')),
    entity_id       bigint NOT NULL,
    -- normalised name, and everything searchable (the name included), in every language
    title           text NOT NULL,
    doc             text NOT NULL,
    -- search_lexemes(doc)
    words           tsvector NOT NULL,
    -- the English texts, stemmed and weighted (search_english)
    english         tsvector NOT NULL,
    person_id       bigint GENERATED ALWAYS AS (CASE WHEN kind = 'people' THEN entity_id END) STORED
                    REFERENCES people (id) ON DELETE CASCADE,
    organisation_id bigint GENERATED ALWAYS AS (CASE WHEN kind = 'organisations' THEN entity_id END) STORED
                    REFERENCES organisations (id) ON DELETE CASCADE,
    agreement_id    bigint GENERATED ALWAYS AS (CASE WHEN kind = 'agreements' THEN entity_id END) STORED
                    REFERENCES agreements (id) ON DELETE CASCADE,
    booth_id        bigint GENERATED ALWAYS AS (CASE WHEN kind = 'booths' THEN entity_id END) STORED
                    REFERENCES booths (id) ON DELETE CASCADE,
    initiative_id   bigint GENERATED ALWAYS AS (CASE WHEN kind = 'initiatives' THEN entity_id END) STORED
                    REFERENCES initiatives (id) ON DELETE CASCADE,
    quote_id        bigint GENERATED ALWAYS AS (CASE WHEN kind = 'quotes' THEN entity_id END) STORED
                    REFERENCES quotes (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, entity_id)
);

-- For the cascades: a deleted entry finds its row by its own id.
CREATE INDEX search_entries_person_idx ON search_entries (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX search_entries_organisation_idx ON search_entries (organisation_id) WHERE organisation_id IS NOT NULL;
CREATE INDEX search_entries_agreement_idx ON search_entries (agreement_id) WHERE agreement_id IS NOT NULL;
CREATE INDEX search_entries_booth_idx ON search_entries (booth_id) WHERE booth_id IS NOT NULL;
CREATE INDEX search_entries_initiative_idx ON search_entries (initiative_id) WHERE initiative_id IS NOT NULL;
CREATE INDEX search_entries_quote_idx ON search_entries (quote_id) WHERE quote_id IS NOT NULL;

-- The searches: a pair per kind (each kind's results are read and counted apart).
CREATE INDEX search_entries_people_words_idx ON search_entries USING gin (words) WHERE kind = 'people';
CREATE INDEX search_entries_people_english_idx ON search_entries USING gin (english) WHERE kind = 'people';
CREATE INDEX search_entries_organisations_words_idx ON search_entries USING gin (words) WHERE kind = 'organisations';
CREATE INDEX search_entries_organisations_english_idx ON search_entries USING gin (english) WHERE kind = 'organisations';
CREATE INDEX search_entries_agreements_words_idx ON search_entries USING gin (words) WHERE kind = 'agreements';
CREATE INDEX search_entries_agreements_english_idx ON search_entries USING gin (english) WHERE kind = 'agreements';
CREATE INDEX search_entries_booths_words_idx ON search_entries USING gin (words) WHERE kind = 'booths';
CREATE INDEX search_entries_booths_english_idx ON search_entries USING gin (english) WHERE kind = 'booths';
CREATE INDEX search_entries_initiatives_words_idx ON search_entries USING gin (words) WHERE kind = 'initiatives';
CREATE INDEX search_entries_initiatives_english_idx ON search_entries USING gin (english) WHERE kind = 'initiatives';
CREATE INDEX search_entries_quotes_words_idx ON search_entries USING gin (words) WHERE kind = 'quotes';
CREATE INDEX search_entries_quotes_english_idx ON search_entries USING gin (english) WHERE kind = 'quotes';

-- The statement that writes the rows of the entries of `kind` (a table's name) read from
-- `rows` (that table, or a transition table of it) that pass `condition`, replacing rows
-- already there. Built here once so the triggers and the first fill below say it once;
-- `kind` and `rows` are quoted as identifiers, `condition` is a constant of this file.
CREATE FUNCTION search_store_statement(kind text, rows text, condition text DEFAULT 'true')
    RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN format(
        'INSERT INTO search_entries (kind, entity_id, title, doc, words, english)
         SELECT %1$L, n.id, t.title, t.doc, search_lexemes(t.doc), coalesce(s.english, %4$L)
           FROM %2$I AS n
           CROSS JOIN LATERAL search_source(n::%1$I) AS s
           CROSS JOIN LATERAL (SELECT coalesce(search_normalize(s.title), %5$L) AS title) AS nt
           CROSS JOIN LATERAL (SELECT nt.title, concat_ws(%6$L, nt.title, search_normalize(s.about)) AS doc) AS t
          WHERE %3$s
         ON CONFLICT ON CONSTRAINT search_entries_pkey DO UPDATE
             SET title = EXCLUDED.title, doc = EXCLUDED.doc, words = EXCLUDED.words,
                 english = EXCLUDED.english',
        kind, rows, condition, '', '', ' ');

-- ── Keeping it current ─────────────────────────────────────────────────────────────────────
-- After every insert and update statement, set-based over the rows it wrote (a bulk load
-- costs one statement, not one per row). Deletes cascade.

CREATE FUNCTION search_index_changed() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    -- A transition table is seen only by this function's own statements, so it runs the
    -- statement itself. Its rows are records: the cast to the table's row type in the
    -- statement picks the table's search_source.
    EXECUTE search_store_statement(TG_TABLE_NAME, 'changed');
    RETURN NULL;
END;
$$;

-- An organisation's booth is found by the organisation's name.
CREATE FUNCTION search_index_booths_of_changed() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE search_store_statement('booths', 'booths',
                                   'n.organisation_id IN (SELECT id FROM changed)');
    RETURN NULL;
END;
$$;

-- (A trigger with a transition table has one event: an insert trigger and an update trigger.)
CREATE TRIGGER people_search_insert AFTER INSERT ON people
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER people_search_update AFTER UPDATE ON people
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER organisations_search_insert AFTER INSERT ON organisations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER organisations_search_update AFTER UPDATE ON organisations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER organisations_search_update_booths AFTER UPDATE ON organisations
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_booths_of_changed();
CREATE TRIGGER agreements_search_insert AFTER INSERT ON agreements
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER agreements_search_update AFTER UPDATE ON agreements
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER booths_search_insert AFTER INSERT ON booths
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER booths_search_update AFTER UPDATE ON booths
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER initiatives_search_insert AFTER INSERT ON initiatives
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER initiatives_search_update AFTER UPDATE ON initiatives
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER quotes_search_insert AFTER INSERT ON quotes
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();
CREATE TRIGGER quotes_search_update AFTER UPDATE ON quotes
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_index_changed();

-- ── Searching ──────────────────────────────────────────────────────────────────────────────

-- The words of a query, normalised, each once, in the order typed: at most 8, of at most 64
-- characters. A single character is a word only when it is a Chinese (Japanese, Korean)
-- one: "a" or "ک" alone would match nearly everything.
CREATE FUNCTION search_words(query text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT w FROM (
            SELECT w, min(n) AS n
              FROM unnest(string_to_array(search_normalize(coalesce(query, '')), ' '))
                   WITH ORDINALITY AS words (w, n)
             WHERE w <> '' AND length(w) <= 64
               AND (length(w) > 1 OR w ~ search_cjk_pattern())
             GROUP BY w
        ) AS distinct_words
        ORDER BY n LIMIT 8);

-- The runs of Chinese characters in the query's words: an entry must contain each as it is
-- (the character pairs the index finds may occur apart).
CREATE FUNCTION search_cjk_runs(query text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT run[1] FROM unnest(search_words(query)) AS w,
                                    regexp_matches(w, search_cjk_pattern(), 'g') AS run);

-- The parts of the query's words without Chinese characters: an entry must have a word
-- starting with each.
CREATE FUNCTION search_prefixes(query text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT part FROM unnest(search_words(query)) AS w,
                                  regexp_split_to_table(w, search_cjk_pattern()) AS part
                  WHERE part <> '');

-- The index query for the words of a query: every prefix (`'pakistan':*`), and every run of
-- Chinese characters by its character pairs (one character: itself). NULL when the query
-- has no words: that matches nothing, without a notice. Each lexeme is quoted; none can hold
-- a quote or a backslash anyway (the normalisation turned ASCII punctuation into spaces).
CREATE FUNCTION search_query(query text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
        SELECT string_agg(lexeme, ' & ')::tsquery
          FROM (
              SELECT quote_literal(prefix) || ':*' AS lexeme
                FROM unnest(search_prefixes(query)) AS prefix
              UNION ALL
              SELECT quote_literal(CASE WHEN length(run) = 1 THEN run ELSE substr(run, i, 2) END)
                FROM unnest(search_cjk_runs(query)) AS run,
                     generate_series(1, greatest(length(run) - 1, 1)) AS i
          ) AS lexemes);

-- What a name must contain to match the whole query, for ranking: each prefix after a space
-- (look in ' ' || title), each Chinese run anywhere.
CREATE FUNCTION search_needles(query text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT ' ' || prefix FROM unnest(search_prefixes(query)) AS prefix)
        || search_cjk_runs(query);

-- Whether `doc` contains each of `needles` as it is. (PL/pgSQL: a third of the cost of the
-- same test in SQL, which runs a subquery per row.)
CREATE FUNCTION search_contains_all(doc text, needles text[]) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    needle text;
BEGIN
    FOREACH needle IN ARRAY coalesce(needles, '{}') LOOP
        IF strpos(doc, needle) = 0 THEN
            RETURN false;
        END IF;
    END LOOP;
    RETURN true;
END;
$$;

-- ── The entries there are now ──────────────────────────────────────────────────────────────

DO $$
DECLARE
    kind text;
BEGIN
    FOREACH kind IN ARRAY ARRAY['people', 'organisations', 'agreements', 'booths', 'initiatives', 'quotes'] LOOP
        EXECUTE search_store_statement(kind, kind);
    END LOOP;
END;
$$;
