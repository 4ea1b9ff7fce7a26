-- Indexes for the public pages' queries (issue 12), so their cost does not grow with the
-- content: each public list reads one page in its display order straight from an index (and
-- counts its entries from the same small index), and an entry's "edited on" date walks that
-- entry's updates newest first, stopping at the first real edit. Only indexes: no table,
-- column, trigger or data changes.

-- /speakers and the home page: published people in the order they spoke.
CREATE INDEX people_published_order_idx ON people (position, (name ->> 'en'), id) WHERE published;
-- An organisation's published people; small enough to count the published people from.
CREATE INDEX people_published_organisation_idx ON people (organisation_id) WHERE published;

-- /organisations: published organisations by country, kind (unknown last) and name.
CREATE INDEX organisations_published_order_idx
    ON organisations (country NULLS LAST, kind, (name ->> 'en'), id) WHERE published;
-- The kind filter, and counting published organisations (and booths' organisations).
CREATE INDEX organisations_published_kind_idx
    ON organisations (kind, country) INCLUDE (id) WHERE published;

-- /agreements and the home page: published agreements in the order the report names them.
CREATE INDEX agreements_published_order_idx ON agreements (position, id) WHERE published;

-- /exhibitors: published booths in the order the report lists them.
CREATE INDEX booths_published_order_idx
    ON booths (position, id) INCLUDE (organisation_id) WHERE published;

-- "Edited on": an entry's updates, newest first.
CREATE INDEX history_updates_idx ON history (entity, entity_id, at DESC) WHERE action = 'update';
