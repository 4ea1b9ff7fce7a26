-- Each admin's own interface language, chosen with the admin header's language switch.
-- NULL until they choose one: the admin then follows the language last read on the public site
-- (the `lang` cookie), as before. Proofreading a Chinese page no longer switches an admin who
-- chose English.

ALTER TABLE admins ADD COLUMN language text CHECK (language IN ('en', 'zh', 'ur'));
