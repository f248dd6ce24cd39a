-- Bank statements of the centre's collection account, imported from the banks' own formats. A
-- statement line is stored once: (bank, serial) is the bank's own key, so the same file imported
-- twice, or two files that overlap, add each line once. An import row records one accepted file.
create table corporate_statement_imports (
  id           bigserial primary key,
  bank         text not null check (bank ~ '^[A-Z]{2,12}$'),
  format       text not null check (format in ('cmb-xml','icbc-fixed','csv')),
  file_name    text not null check (file_name <> ''),
  file_sha256  bytea not null unique check (length(file_sha256) = 32),
  imported_at  timestamptz not null,
  imported_by  text not null,
  line_count   integer not null check (line_count >= 0),
  new_lines    integer not null check (new_lines >= 0 and new_lines <= line_count)
);

create table corporate_statement_lines (
  id                  bigserial primary key,
  bank                text not null,
  serial              text not null check (serial <> ''),
  import_id           bigint not null references corporate_statement_imports(id),
  line_no             integer not null check (line_no > 0),
  booked_at           timestamptz not null,
  direction           text not null check (direction in ('credit','debit')),
  amount              bigint not null check (amount > 0),
  business_reference  text not null default '',
  purpose             text not null default '',
  payer_account       text not null default '',
  payer_name          text not null default '',
  -- matched: credited to a customer at import; suspense: waiting for finance; assigned: finance gave it
  -- to a customer; returned: sent back to the payer; claimed: a registered matcher took it; outgoing:
  -- money out of the account, recorded only
  status              text not null check (status in ('matched','suspense','assigned','returned','claimed','outgoing')),
  matched_by          text,
  customer_id         bigint references customers(id),
  account_id          bigint references accounts(id),
  bill_id             text,
  resolved_by         text,
  resolved_at         timestamptz,
  note                text,
  unique (bank, serial),
  check ((status in ('matched','assigned')) = (account_id is not null))
);
create index corporate_statement_lines_import_idx on corporate_statement_lines (import_id);
create index corporate_statement_lines_status_idx on corporate_statement_lines (status) where status = 'suspense';
create index corporate_statement_lines_customer_idx on corporate_statement_lines (customer_id);

-- Append-only history of each line's status.
create table corporate_statement_line_events (
  id           bigserial primary key,
  line_id      bigint not null references corporate_statement_lines(id),
  at           timestamptz not null,
  actor        text not null,
  from_status  text,
  to_status    text not null,
  detail       jsonb not null default '{}'::jsonb
);
create index corporate_statement_line_events_line_idx on corporate_statement_line_events (line_id);
