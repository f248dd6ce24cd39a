-- Failed logins by address and by the name tried, for throttling that holds across several API
-- processes (the counts live here, not in one process's memory). Rows older than a day are pruned.
create table login_failures (
  id        bigserial primary key,
  at        timestamptz not null,
  ip        text not null,
  username  text not null
);
create index login_failures_ip_idx on login_failures (ip, at);
create index login_failures_username_idx on login_failures (username, at);
-- pruning: rows older than any limit looks at
create index login_failures_at_idx on login_failures (at);
