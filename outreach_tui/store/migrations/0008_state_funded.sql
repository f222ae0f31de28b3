-- JKK/JKM paid from APBN/APBD (state or regional budget): PP 50/2025 art. 3 excludes these
-- participants from its discount. Asked once on the registration form; 0 for every
-- registration saved before the question existed.
ALTER TABLE registrations ADD COLUMN state_funded INTEGER NOT NULL DEFAULT 0;
