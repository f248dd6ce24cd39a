-- Staff may send Idempotency-Key too (a double-clicked deposit must not post twice). The key's
-- owner is then 'user:<id>', which is not an api_clients row: the column names an owner, not a client.
alter table idempotency_keys drop constraint idempotency_keys_client_id_fkey;
comment on column idempotency_keys.client_id is 'owner of the key: a machine client id, or user:<id> for staff';
