-- Issue 17: record search by name through FTS5 trigram indexes (docs/PRIVACY.md section 3,
-- "Name search index"; store/name_index.py queries them).
--
-- Contentless (content=''): the index keeps trigrams and row numbers, never a copy of the
-- text. The row number is the record's `seq` (unique, indexed, kept by VACUUM; a plain
-- rowid is not), so an edit (which bumps seq) re-indexes the row under its new seq.
-- What is indexed is only what the table itself holds in clear: a sealed value ('enc1:'),
-- or any personal value of a purged row, is indexed as NULL. The triggers delete with the
-- very values they inserted (a contentless index needs them), computed by the same CASE.
-- The trigram tokenizer folds case (Unicode); SQLite 3.40 cannot fold accents.
CREATE VIRTUAL TABLE registration_names USING fts5(
    name, business, reference, content = '', columnsize = 0, tokenize = 'trigram'
);
CREATE VIRTUAL TABLE lead_names USING fts5(
    name, content = '', columnsize = 0, tokenize = 'trigram'
);

-- Queries of one or two characters match names starting with them (no trigram serves
-- them): registrations have this index since 0001, leads get it here.
CREATE INDEX leads_name ON leads (full_name COLLATE NOCASE);

INSERT INTO registration_names (rowid, name, business, reference)
SELECT seq,
       CASE WHEN purged_at IS NULL AND full_name NOT LIKE 'enc1:%' THEN full_name END,
       CASE WHEN purged_at IS NULL AND business_name NOT LIKE 'enc1:%' THEN business_name END,
       reference_no
FROM registrations;
INSERT INTO lead_names (rowid, name)
SELECT seq, CASE WHEN purged_at IS NULL AND full_name NOT LIKE 'enc1:%' THEN full_name END
FROM leads;

CREATE TRIGGER registration_names_insert AFTER INSERT ON registrations
BEGIN
    INSERT INTO registration_names (rowid, name, business, reference) VALUES (
        NEW.seq,
        CASE WHEN NEW.purged_at IS NULL AND NEW.full_name NOT LIKE 'enc1:%' THEN NEW.full_name END,
        CASE WHEN NEW.purged_at IS NULL AND NEW.business_name NOT LIKE 'enc1:%'
             THEN NEW.business_name END,
        NEW.reference_no);
END;

CREATE TRIGGER registration_names_delete AFTER DELETE ON registrations
BEGIN
    INSERT INTO registration_names (registration_names, rowid, name, business, reference) VALUES (
        'delete', OLD.seq,
        CASE WHEN OLD.purged_at IS NULL AND OLD.full_name NOT LIKE 'enc1:%' THEN OLD.full_name END,
        CASE WHEN OLD.purged_at IS NULL AND OLD.business_name NOT LIKE 'enc1:%'
             THEN OLD.business_name END,
        OLD.reference_no);
END;

CREATE TRIGGER registration_names_update AFTER UPDATE OF
    seq, full_name, business_name, reference_no, purged_at ON registrations
BEGIN
    INSERT INTO registration_names (registration_names, rowid, name, business, reference) VALUES (
        'delete', OLD.seq,
        CASE WHEN OLD.purged_at IS NULL AND OLD.full_name NOT LIKE 'enc1:%' THEN OLD.full_name END,
        CASE WHEN OLD.purged_at IS NULL AND OLD.business_name NOT LIKE 'enc1:%'
             THEN OLD.business_name END,
        OLD.reference_no);
    INSERT INTO registration_names (rowid, name, business, reference) VALUES (
        NEW.seq,
        CASE WHEN NEW.purged_at IS NULL AND NEW.full_name NOT LIKE 'enc1:%' THEN NEW.full_name END,
        CASE WHEN NEW.purged_at IS NULL AND NEW.business_name NOT LIKE 'enc1:%'
             THEN NEW.business_name END,
        NEW.reference_no);
END;

CREATE TRIGGER lead_names_insert AFTER INSERT ON leads
BEGIN
    INSERT INTO lead_names (rowid, name) VALUES (NEW.seq,
        CASE WHEN NEW.purged_at IS NULL AND NEW.full_name NOT LIKE 'enc1:%' THEN NEW.full_name END);
END;

CREATE TRIGGER lead_names_delete AFTER DELETE ON leads
BEGIN
    INSERT INTO lead_names (lead_names, rowid, name) VALUES ('delete', OLD.seq,
        CASE WHEN OLD.purged_at IS NULL AND OLD.full_name NOT LIKE 'enc1:%' THEN OLD.full_name END);
END;

CREATE TRIGGER lead_names_update AFTER UPDATE OF seq, full_name, purged_at ON leads
BEGIN
    INSERT INTO lead_names (lead_names, rowid, name) VALUES ('delete', OLD.seq,
        CASE WHEN OLD.purged_at IS NULL AND OLD.full_name NOT LIKE 'enc1:%' THEN OLD.full_name END);
    INSERT INTO lead_names (rowid, name) VALUES (NEW.seq,
        CASE WHEN NEW.purged_at IS NULL AND NEW.full_name NOT LIKE 'enc1:%' THEN NEW.full_name END);
END;
