-- A remedy is money back to the customer for a justified complaint: a toll refund or a fee waiver into
-- the customer's account. Above the approval threshold it waits for a supervisor who did not propose
-- it; posting is one journal entry (kind ticket-remedy, reference = the remedy id), so it posts once.
create table servicedesk_remedies (
  id            bigserial primary key,
  ticket_id     bigint not null references servicedesk_tickets(id),
  kind          text not null check (kind in ('toll-refund', 'fee-waiver')),
  amount        bigint not null check (amount > 0),
  account_id    bigint not null references accounts(id),
  reason        text not null check (length(reason) between 2 and 500),
  status        text not null check (status in ('proposed', 'posted', 'rejected')),
  proposed_by   text not null,
  proposed_at   timestamptz not null,
  decided_by    text,
  decided_at    timestamptz,
  decision_reason text,
  entry_id      bigint unique
);
create index servicedesk_remedies_ticket_idx on servicedesk_remedies (ticket_id);
create index servicedesk_remedies_proposed_idx on servicedesk_remedies (id) where status = 'proposed';
-- one remedy of a kind open or posted per ticket: a second one is a correction, not a repeat
create unique index servicedesk_remedies_once on servicedesk_remedies (ticket_id, kind) where status <> 'rejected';
