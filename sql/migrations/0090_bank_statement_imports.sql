-- Statements of the centre's clearing bank account, imported by finance as files (DESIGN §8): one
-- row per file. The same file (same bytes) is imported once: importing it again answers with the
-- first import and changes nothing.
create table bank_statement_imports (
  id                bigserial primary key,
  file_name         text not null check (file_name <> ''),
  file_sha256       bytea not null unique check (length(file_sha256) = 32),
  imported_at       timestamptz not null,
  imported_by       text not null,
  line_count        integer not null check (line_count > 0),
  first_value_date  date not null,
  last_value_date   date not null,
  check (first_value_date <= last_value_date)
);
