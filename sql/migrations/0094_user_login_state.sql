-- A user's standing at login: consecutive failed logins (reset by a successful one), the moment the
-- account was locked for too many (cleared only by a supervisor or administrator), and whether the
-- password must be changed before anything else (after an administrator's reset).
alter table users
  add column failed_logins        integer not null default 0 check (failed_logins >= 0),
  add column locked_at            timestamptz,
  add column must_change_password boolean not null default false,
  add column password_changed_at  timestamptz;
