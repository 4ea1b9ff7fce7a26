-- Uploads (issue 14): a photo per person, a logo per organisation, a signed PDF per agreement
-- and language, and pictures of the forum with captions. Everything lives in the database, so
-- every instance serves the same files and `forum-portal backup` (pg_dump) includes them.
--
-- `media` is one upload as the admin gave it (what it is, its alt text, its size); `media_files`
-- holds what the site serves: the re-encoded widths of a picture (WebP and JPEG) or the PDF as
-- uploaded. A file's URL is `/media/{digest}-{width}.{ext}` (or `/media/{digest}.pdf`), `digest`
-- being the first 16 hex digits of the SHA-256 of the upload: the same upload always gives the
-- same bytes, so the URL never changes its content and can be cached for ever.
--
-- Entries point at their media through ordinary columns (`people.photo_id`, ...), so the history
-- triggers of migration 0003 record a new, changed or removed picture like any other field, and a
-- revert brings the old one back: media rows are never deleted by an edit.
-- Seeds nothing: the report gives no pictures.

CREATE TABLE media (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('image', 'document')),
    digest      text NOT NULL CHECK (digest ~ '^[0-9a-f]{16}$'),
    -- A picture: the size of its largest served width (after EXIF orientation), and the widths served.
    width       integer CHECK (width > 0),
    height      integer CHECK (height > 0),
    widths      integer[] NOT NULL DEFAULT '{}',
    -- Required for a picture (checked by the form in all three languages).
    alt         localized_text,
    -- A document: the name it is downloaded under, and its size in bytes.
    filename    text CHECK (filename IS NULL OR length(filename) BETWEEN 1 AND 200),
    byte_size   bigint NOT NULL CHECK (byte_size > 0),
    created_by  bigint REFERENCES admins (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'image' OR (width IS NOT NULL AND height IS NOT NULL AND alt IS NOT NULL)),
    CHECK (kind <> 'document' OR filename IS NOT NULL)
);

CREATE TABLE media_files (
    media_id      bigint NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    -- `320.webp`, `320.jpg`, `pdf`.
    variant       text NOT NULL CHECK (variant ~ '^([0-9]{1,5}\.(webp|jpg)|pdf)$'),
    digest        text NOT NULL,
    content_type  text NOT NULL CHECK (content_type IN ('image/webp', 'image/jpeg', 'application/pdf')),
    body          bytea NOT NULL,
    PRIMARY KEY (media_id, variant)
);
CREATE INDEX media_files_digest_idx ON media_files (digest, variant);

ALTER TABLE people ADD COLUMN photo_id bigint REFERENCES media (id) ON DELETE RESTRICT;
ALTER TABLE organisations ADD COLUMN logo_id bigint REFERENCES media (id) ON DELETE RESTRICT;
ALTER TABLE agreements
    ADD COLUMN document_en_id bigint REFERENCES media (id) ON DELETE RESTRICT,
    ADD COLUMN document_zh_id bigint REFERENCES media (id) ON DELETE RESTRICT,
    ADD COLUMN document_ur_id bigint REFERENCES media (id) ON DELETE RESTRICT;
CREATE INDEX people_photo_id_idx ON people (photo_id) WHERE photo_id IS NOT NULL;
CREATE INDEX organisations_logo_id_idx ON organisations (logo_id) WHERE logo_id IS NOT NULL;

-- Pictures of the forum (the signing, the hall), shown on the home page in `position` order.
CREATE TABLE forum_pictures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    media_id    bigint NOT NULL REFERENCES media (id) ON DELETE RESTRICT,
    caption     localized_text,
    position    integer NOT NULL DEFAULT 0,
    published   boolean NOT NULL DEFAULT true,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX forum_pictures_order_idx ON forum_pictures (position, id) WHERE published;

CREATE TRIGGER forum_pictures_history AFTER INSERT OR UPDATE OR DELETE ON forum_pictures
    FOR EACH ROW EXECUTE FUNCTION record_history();

-- Public pages are cached until content changes (migration 0011): a new picture, caption or alt
-- text changes them too.
CREATE TRIGGER media_notify AFTER INSERT OR UPDATE OR DELETE ON media
    FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content();
CREATE TRIGGER media_notify_truncate AFTER TRUNCATE ON media
    FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content();
CREATE TRIGGER forum_pictures_notify AFTER INSERT OR UPDATE OR DELETE ON forum_pictures
    FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content();
CREATE TRIGGER forum_pictures_notify_truncate AFTER TRUNCATE ON forum_pictures
    FOR EACH STATEMENT EXECUTE FUNCTION notify_portal_content();
