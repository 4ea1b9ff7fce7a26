-- Every change to what a public page shows is announced on the `portal_content` channel, so
-- each portal process can drop the pages it rendered from the old data (src/web/page_cache.rs).
-- One notification per statement (not per row) is enough: the payload is the table's name,
-- and PostgreSQL folds identical notifications of one transaction into one, sent at commit.
--
-- The tables: everything a public page reads — the content itself, an agreement's parties,
-- and `history` (a page says when its entry was last edited, read from there).

CREATE FUNCTION notify_portal_content() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portal_content', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    content_table text;
BEGIN
    FOREACH content_table IN ARRAY ARRAY[
        'forum', 'sources', 'organisations', 'people', 'quotes', 'agreements',
        'agreement_parties', 'booths', 'initiatives', 'history'
    ] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
                 FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content()',
            content_table || '_notify', content_table);
        EXECUTE format(
            'CREATE TRIGGER %I AFTER TRUNCATE ON %I
                 FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content()',
            content_table || '_notify_truncate', content_table);
    END LOOP;
END;
$$;
