-- Machine POSTs are idempotent: (client, key) → the request hash and the first answer.
-- Only answers of requests that changed something (2xx) are kept; a refusal changes nothing,
-- so a retry of a refused request is judged afresh.
create table idempotency_keys (
  client_id       text not null references api_clients(id),
  idem_key        text not null,
  request_hash    bytea not null,
  response_status integer not null,
  response_body   jsonb not null,
  created_at      timestamptz not null default now(),
  primary key (client_id, idem_key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);
