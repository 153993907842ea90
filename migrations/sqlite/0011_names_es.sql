-- Names in Spanish beside the names in English: a person's display name as the Spanish
-- interface shows it (NULL: the same as display_name).
ALTER TABLE users ADD COLUMN display_name_es TEXT;
