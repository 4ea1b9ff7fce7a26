-- Two facts the first schema could not hold.
--
-- 1. Which language versions of a text are translations. A `localized_text` may now carry a
--    `translated` list beside its versions: {"en": "...", "zh": "...", "translated": ["zh"]}
--    says the Chinese version was translated (here: from the English report), so pages can say
--    so and never present a translated quote as the speaker's own words. Each listed language
--    must have a version, the list is never empty (no translations: no key), and at least one
--    version stays an original.
--
-- 2. An organisation's kind can be unknown: the report does not say what ZBRA is.

CREATE OR REPLACE FUNCTION is_localized_text(v jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT
    -- COALESCE: a CHECK passes on NULL, so a missing "en" must give false, not NULL.
    RETURN COALESCE(
        jsonb_typeof(v) = 'object'
        AND jsonb_typeof(v -> 'en') = 'string'
        AND length(btrim(v ->> 'en')) > 0
        AND NOT jsonb_path_exists(v, '$.keyvalue() ? (!(@.key == "en" || @.key == "zh" || @.key == "ur" || @.key == "translated") || (@.key != "translated" && @.value.type() != "string"))')
        AND (NOT v ? 'translated' OR (
            jsonb_typeof(v -> 'translated') = 'array'
            AND jsonb_array_length(v -> 'translated') > 0
            -- every listed language is one of ours, listed once, and has a version
            AND NOT jsonb_path_exists(v, '$.translated[*] ? (@.type() != "string" || !(@ == "en" || @ == "zh" || @ == "ur"))')
            AND (SELECT count(DISTINCT code) = count(*) AND bool_and(v ? code)
                 FROM jsonb_array_elements_text(v -> 'translated') AS code)
            -- and some version is an original
            AND EXISTS (SELECT 1 FROM jsonb_object_keys(v) AS code
                        WHERE code <> 'translated' AND NOT (v -> 'translated') ? code)
        )),
        false);

ALTER TABLE organisations ALTER COLUMN kind DROP NOT NULL;
