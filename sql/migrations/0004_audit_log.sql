-- Who did what, when and from where: every state change and every full view of PII.
create table audit_log (
  id          bigserial primary key,
  at          timestamptz not null default now(),
  actor_kind  text not null check (actor_kind in ('user','client','system')),
  actor_id    text not null,
  action      text not null,
  entity      text not null,
  entity_id   text not null,
  detail      jsonb not null default '{}'::jsonb,
  source_ip   text,
  request_id  text
);
create index audit_log_entity_idx on audit_log (entity, entity_id);
create index audit_log_at_idx on audit_log (at);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only' using errcode = '55000';
end $$;
create trigger audit_log_no_change before update or delete on audit_log
  for each row execute function audit_log_append_only();
