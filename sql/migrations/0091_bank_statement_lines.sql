-- The lines of an imported bank statement, as the bank wrote them. amount is signed fen from the
-- clearing bank account's side: + money in (a province paying its net), - money out (our net to a
-- province, a road operator's payout). counterparty is a 4-digit network or an operator id;
-- reference is what the payer wrote for us (settlement:<date>:<network>, payout:<date>:<operator>),
-- possibly empty. line_no is the line of the file (the header is line 1).
create table bank_statement_lines (
  id              bigserial primary key,
  import_id       bigint not null references bank_statement_imports(id),
  line_no         integer not null check (line_no > 1),
  value_date      date not null,
  amount          bigint not null check (amount <> 0),
  counterparty    text not null check (counterparty ~ '^(\d{4}|OP-[A-Z0-9]{2,16})$'),
  bank_reference  text not null check (bank_reference <> ''),
  reference       text not null default '',
  unique (import_id, line_no)
);
create index bank_statement_lines_reference_idx on bank_statement_lines (reference) where reference <> '';
create index bank_statement_lines_bank_reference_idx on bank_statement_lines (bank_reference);
create index bank_statement_lines_value_date_idx on bank_statement_lines (value_date);
