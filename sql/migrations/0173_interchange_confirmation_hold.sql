-- Our confirmation of a province's package may be held for a review period (the centre's
-- ETC_INTERCHANGE_CONFIRMATION_HOLD_MINUTES) so that a customer's complaint can still become a
-- dispute listed in it: delivery leaves it alone until hold_until. Finance may release it early
-- (who, when, why). Null hold_until: no hold, sent at once as before.
alter table interchange_confirmations
  add column hold_until    timestamptz,
  add column released_at   timestamptz,
  add column released_by   text,
  add column release_note  text check (length(release_note) between 3 and 500),
  add check ((released_at is null) = (released_by is null) and (released_at is null) = (release_note is null)),
  add check (released_at is null or hold_until is not null);
