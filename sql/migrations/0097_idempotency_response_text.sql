-- An idempotent replay returns the first answer itself (ICD §0: same status, same body). jsonb keeps
-- the value but not the text (it reorders members and drops spacing), so the answer is kept as the
-- exact JSON text that was sent. Existing rows keep their (valid JSON) text form.
alter table idempotency_keys alter column response_body type text using response_body::text;
