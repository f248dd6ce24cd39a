-- A dispute we raise as issuer on a staff member's request (a customer's complaint handled by the
-- service desk) rather than by the automatic checks of a received package: who asked, when, what it
-- answers (the ticket's reference) and why. Set only on such rows; the automatic ones leave them null.
alter table interchange_disputes
  add column requested_by      text,
  add column requested_at      timestamptz,
  add column request_reference text check (length(request_reference) between 1 and 64),
  add column request_note      text check (length(request_note) <= 500),
  add check ((requested_by is null) = (requested_at is null) and (requested_by is null) = (request_reference is null));
