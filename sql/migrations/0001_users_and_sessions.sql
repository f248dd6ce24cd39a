-- People who log in: service-hall clerks, supervisors, finance staff, administrators, auditors.
create table users (
  id            bigserial primary key,
  username      text not null unique check (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  display_name  text not null,
  role          text not null check (role in ('clerk','supervisor','finance','admin','auditor')),
  password_hash text not null,
  disabled      boolean not null default false,
  created_at    timestamptz not null default now()
);

-- Bearer sessions: only the SHA-256 of the token is stored, so a database read does not
-- hand out live sessions.
create table sessions (
  token_hash  bytea primary key,
  user_id     bigint not null references users(id),
  created_at  timestamptz not null,
  expires_at  timestamptz not null,
  revoked_at  timestamptz
);
create index sessions_user_idx on sessions (user_id);
