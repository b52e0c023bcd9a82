ALTER TABLE directions DROP COLUMN recommendation_letter;
