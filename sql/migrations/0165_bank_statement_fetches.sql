-- The daily pull of a bank's statement file of the centre's collection account (banks' statement
-- fetch, one row per bank and statement day): what the last attempt found. A day the bank could not be
-- reached (or had no file yet) is asked again at the next run; an imported or refused one is not.
-- `detail` holds the reason (an HTTP status, a network error code, the refusal's line and reason) and
-- never a credential.
create table bank_statement_fetches (
  bank             text not null,
  statement_date   date not null,
  state            text not null check (state in ('imported', 'refused', 'unreachable', 'not-ready')),
  attempts         integer not null check (attempts > 0),
  first_attempt_at timestamptz not null,
  last_attempt_at  timestamptz not null,
  detail           text not null default '',
  import_id        bigint references corporate_statement_imports (id),
  primary key (bank, statement_date),
  check ((state = 'imported') = (import_id is not null))
);
create index bank_statement_fetches_retry on bank_statement_fetches (bank, statement_date)
  where state in ('unreachable', 'not-ready');
