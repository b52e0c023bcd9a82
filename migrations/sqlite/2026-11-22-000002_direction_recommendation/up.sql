-- Which annex holds the recommendation letter an applicant must provide (附件2).
ALTER TABLE directions ADD COLUMN recommendation_letter TEXT;
