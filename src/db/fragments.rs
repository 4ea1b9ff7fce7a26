//! SQL fragments shared by the public pages' one-statement queries, spliced in at compile time
//! with `concat!` (never `format!`: every statement stays one constant string, prepared once
//! per connection). Each fragment is a JSON expression whose keys are the fields of the Rust
//! type it is read into; arguments are table aliases of the enclosing query.

/// A [`Picture`](super::media::Picture) of the media row whose id is in column `$column` of
/// the row aliased `$row`, else null (migration 0014).
macro_rules! picture_json {
    ($row:literal, $column:literal) => {
        concat!(
            "(SELECT json_build_object('digest', pm.digest, 'width', pm.width, 'height', pm.height,
                 'widths', pm.widths, 'alt', pm.alt) FROM media pm WHERE pm.id = ",
            $row,
            ".",
            $column,
            ")"
        )
    };
}

/// A [`Document`](super::media::Document) of the media row whose id is in column `$column` of
/// the row aliased `$row`, else null (migration 0014).
macro_rules! document_json {
    ($row:literal, $column:literal) => {
        concat!(
            "(SELECT json_build_object('digest', dm.digest, 'filename', dm.filename,
                 'byte_size', dm.byte_size) FROM media dm WHERE dm.id = ",
            $row,
            ".",
            $column,
            ")"
        )
    };
}

/// An [`OrganisationRef`](super::OrganisationRef) of the organisations row aliased `$o`.
macro_rules! organisation_ref_json {
    ($o:literal) => {
        concat!(
            "json_build_object('slug', ",
            $o,
            ".slug, 'name', ",
            $o,
            ".name, 'short_name', ",
            $o,
            ".short_name)"
        )
    };
}

/// A [`PersonRef`](super::PersonRef) of the published person whose id is in column
/// `$column` of the row aliased `$row`, else null.
macro_rules! published_person_ref_json {
    ($row:literal, $column:literal) => {
        concat!(
            "(SELECT json_build_object('slug', pr.slug, 'name', pr.name) FROM people pr
              WHERE pr.id = ",
            $row,
            ".",
            $column,
            " AND pr.published)"
        )
    };
}

/// An [`Agreement`](super::agreements::Agreement) of the agreements row aliased `$a`, with
/// its published announcer and its published parties in order.
macro_rules! agreement_json {
    ($a:literal) => {
        concat!(
            "json_build_object('id', ", $a, ".id, 'slug', ", $a, ".slug, 'title', ", $a,
            ".title, 'kind', ", $a, ".kind, 'signed_on', ", $a, ".signed_on, 'description', ",
            $a, ".description, 'establishes', ", $a, ".establishes, 'source_id', ", $a,
            ".source_id, 'announced_by', ",
            published_person_ref_json!($a, "announced_by_id"),
            ", 'parties', COALESCE((SELECT json_agg(",
            organisation_ref_json!("po"),
            " ORDER BY ap.position)
               FROM agreement_parties ap JOIN organisations po ON po.id = ap.organisation_id AND po.published
               WHERE ap.agreement_id = ", $a, ".id), '[]'))"
        )
    };
}

/// The [`Source`](super::sources::Source) the row `$row` names in `$row.source_id`, with
/// when that entry (history name `$entity`, history id `$id`) was last edited: the newest
/// update that changed more than its publication, version and timestamp. Empty fields are left
/// out of the comparison: a column added by a later migration is absent from older snapshots
/// and empty (null) in newer ones, which is no edit. The partial index
/// `history_updates_idx` (migration 0012) walks the entry's updates newest first and stops
/// at the first real edit.
macro_rules! source_json {
    ($entity:literal, $id:literal, $row:literal) => {
        concat!(
            "(SELECT json_build_object('publisher', s.publisher, 'published_on', s.published_on,
                 'url', s.url, 'edited_on',
                 (SELECT (h.at AT TIME ZONE 'UTC')::date FROM history h
                   WHERE h.entity = '",
            $entity,
            "' AND h.entity_id = ",
            $id,
            "
                     AND h.action = 'update'
                     AND jsonb_strip_nulls(h.before - '{published,version,updated_at}'::text[])
                         IS DISTINCT FROM jsonb_strip_nulls(h.after - '{published,version,updated_at}'::text[])
                   ORDER BY h.at DESC LIMIT 1))
              FROM sources s WHERE s.id = ",
            $row,
            ".source_id)"
        )
    };
}

/// A [`PersonSummary`](super::people::PersonSummary) of the people row aliased `$p`.
macro_rules! person_summary_json {
    ($p:literal) => {
        concat!(
            "json_build_object('slug', ",
            $p,
            ".slug, 'name', ",
            $p,
            ".name, 'role', ",
            $p,
            ".role, 'organisation', (SELECT ",
            organisation_ref_json!("so"),
            " FROM organisations so WHERE so.id = ",
            $p,
            ".organisation_id AND so.published),
             'quote_count', (SELECT count(*) FROM quotes q WHERE q.person_id = ",
            $p,
            ".id), 'photo', ",
            picture_json!($p, "photo_id"),
            ")"
        )
    };
}

/// The first `$limit` published people from `$offset` on, in the order they spoke in the
/// report (the index `people_published_order_idx`), as a JSON array of [`PersonSummary`](super::people::PersonSummary).
macro_rules! published_people_json {
    ($limit:literal, $offset:literal) => {
        concat!(
            "COALESCE((SELECT json_agg(",
            person_summary_json!("p"),
            " ORDER BY p.position, p.name->>'en', p.id)
              FROM (SELECT * FROM people WHERE published
                    ORDER BY position, name->>'en', id LIMIT ",
            $limit,
            " OFFSET ",
            $offset,
            ") p), '[]')"
        )
    };
}

/// An [`Organisation`](super::organisations::Organisation) of the organisations row aliased `$o`.
macro_rules! organisation_json {
    ($o:literal) => {
        concat!(
            "json_build_object('id', ",
            $o,
            ".id, 'slug', ",
            $o,
            ".slug, 'name', ",
            $o,
            ".name, 'short_name', ",
            $o,
            ".short_name, 'country', ",
            $o,
            ".country, 'kind', ",
            $o,
            ".kind, 'description', ",
            $o,
            ".description, 'website', ",
            $o,
            ".website, 'source_id', ",
            $o,
            ".source_id, 'logo', ",
            picture_json!($o, "logo_id"),
            ")"
        )
    };
}

/// An [`OrganisationSummary`](super::organisations::OrganisationSummary) of the organisations
/// row aliased `$o`.
macro_rules! organisation_summary_json {
    ($o:literal) => {
        concat!(
            "json_build_object('slug', ",
            $o,
            ".slug, 'name', ",
            $o,
            ".name, 'short_name', ",
            $o,
            ".short_name, 'country', ",
            $o,
            ".country, 'kind', ",
            $o,
            ".kind, 'has_booth',
             EXISTS (SELECT 1 FROM booths hb WHERE hb.organisation_id = ",
            $o,
            ".id AND hb.published), 'logo', ",
            picture_json!($o, "logo_id"),
            ")"
        )
    };
}

/// An [`Initiative`](super::initiatives::Initiative) of the initiatives row aliased `$i`.
macro_rules! initiative_json {
    ($i:literal) => {
        concat!(
            "json_build_object('slug', ",
            $i,
            ".slug, 'name', ",
            $i,
            ".name, 'description', ",
            $i,
            ".description, 'mentioned_by', ",
            published_person_ref_json!($i, "mentioned_by_id"),
            ")"
        )
    };
}

/// A [`Booth`](super::booths::Booth) of the booths row aliased `$b` and its organisation,
/// aliased `$o`.
macro_rules! booth_json {
    ($b:literal, $o:literal) => {
        concat!(
            "json_build_object('id', ",
            $b,
            ".id, 'slug', ",
            $b,
            ".slug, 'booth_label', ",
            $b,
            ".booth_label, 'hall', ",
            $b,
            ".hall, 'hall_name', (SELECT h.name FROM halls h WHERE h.id = ",
            $b,
            ".hall_id), 'placed', ",
            $b,
            ".plan_x IS NOT NULL, 'note', ",
            $b,
            ".note, 'source_id', ",
            $b,
            ".source_id, 'organisation', ",
            organisation_ref_json!($o),
            ", 'organisation_country', ",
            $o,
            ".country, 'logo', ",
            picture_json!($o, "logo_id"),
            ")"
        )
    };
}

/// The first `$limit` published agreements from `$offset` on, in the order the report names
/// them (the index `agreements_published_order_idx`), as a JSON array of
/// [`Agreement`](super::agreements::Agreement).
macro_rules! published_agreements_json {
    ($limit:literal, $offset:literal) => {
        concat!(
            "COALESCE((SELECT json_agg(",
            agreement_json!("a"),
            " ORDER BY a.position, a.id)
              FROM (SELECT * FROM agreements WHERE published
                    ORDER BY position, id LIMIT ",
            $limit,
            " OFFSET ",
            $offset,
            ") a), '[]')"
        )
    };
}
