-- A chair's decision to approve, put under silence or adopt a text that is not settled
-- (paragraphs not agreed, proposals pending): JSON {reason, ad_referendum_agreed,
-- unsettled}, kept with the silence proposal and the procedure it was given for and with
-- the adoption it allowed, whose exports print it with the fingerprint. Null when the text
-- was settled.
ALTER TABLE silence_proposals ADD COLUMN settled_override TEXT;
ALTER TABLE silence_procedures ADD COLUMN settled_override TEXT;
ALTER TABLE adoptions ADD COLUMN settled_override TEXT;
