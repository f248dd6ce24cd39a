-- The online load's two phases, each in one round trip (DESIGN §6, docs/ONLINE-LOAD.md): the common
-- case of a phase — idempotency claim with its answer, locks, checks and writes — runs here, in one
-- statement, so no transaction stays open while the service works. MAC1, MAC2 and the TAC are
-- computed and checked by the key service before the call: no key material reaches the database.
-- Anything else (a torn load to settle, an unexplained sequence, a card not loadable, another payer)
-- answers 'fallback' having changed nothing, and the service takes its general path.
-- The rows written are those of the general path: the same journal entry and postings (through
-- INSERTs, so triggers on them apply; balance checked again at commit), state changes and audit row.

-- Lock order as in the general path: idempotency key, card, load.
create function load_init(
  p_owner text, p_key text, p_hash bytea, p_answer text,
  p_id uuid, p_card_no text, p_channel text, p_client_id text, p_actor text,
  p_payment_method text, p_payment_reference text, p_payer text, p_amount bigint, p_terminal_id text,
  p_balance_before bigint, p_online_seq integer, p_key_version smallint, p_alg_id smallint,
  p_random text, p_mac1 text, p_host_date text, p_host_time text, p_mac2 text, p_now timestamptz,
  p_requested_detail jsonb, p_audit_kind text, p_audit_actor text, p_audit_detail jsonb, p_ip text, p_request_id text
) returns table (o_outcome text, o_hash bytea, o_status integer, o_body text)
language plpgsql as $$
declare
  c record;
  e bigint;
  n integer;
begin
  insert into idempotency_keys as k (client_id, idem_key, request_hash, response_status, response_body)
    values (p_owner, p_key, p_hash, 201, p_answer)
    on conflict do nothing;
  if not found then
    return query select 'replay', k.request_hash, k.response_status, k.response_body
      from idempotency_keys k where k.client_id = p_owner and k.idem_key = p_key;
    return;
  end if;
  select card_type, status, last_online_seq into c from cards where card_no = p_card_no for update;
  -- a stored-value card in service, no load in flight, the sequence the centre knows: else the general path
  if not found or c.card_type <> 22 or c.status <> 1 or c.last_online_seq <> p_online_seq
     or exists (select 1 from loads where card_no = p_card_no and status = 'authorised') then
    delete from idempotency_keys where client_id = p_owner and idem_key = p_key;
    return query select 'fallback', null::bytea, null::integer, null::text;
    return;
  end if;
  insert into loads (id, card_no, channel, client_id, actor, payment_method, payment_reference, payer_account,
                     amount, terminal_id, balance_before, online_seq, key_version, alg_id, random, mac1,
                     host_date, host_time, mac2, status, created_at, updated_at)
    values (p_id, p_card_no, p_channel, p_client_id, p_actor, p_payment_method, p_payment_reference, p_payer,
            p_amount, p_terminal_id, p_balance_before, p_online_seq, p_key_version, p_alg_id, p_random, p_mac1,
            p_host_date, p_host_time, p_mac2, 'authorised', p_now, p_now);
  insert into load_state_changes (load_id, at, from_status, to_status, actor, reason, detail)
    values (p_id, p_now, null, 'requested', p_actor, 'MAC1 verified', p_requested_detail),
           (p_id, p_now, 'requested', 'authorised', p_actor, 'MAC2 issued', '{}'::jsonb);
  insert into journal_entries (kind, reference, memo, actor)
    values ('load-authorise', p_id::text, 'load onto ' || p_card_no, p_actor) returning id into e;
  insert into postings (entry_id, account_id, amount)
    select e, a.id, v.amount from (values (p_payer, p_amount), ('loads-in-flight', -p_amount)) v (code, amount)
      join ledger_accounts a on a.code = v.code;
  get diagnostics n = row_count;
  if n <> 2 then
    raise exception 'unknown ledger account % or loads-in-flight', p_payer using errcode = 'P0002';
  end if;
  insert into audit_log (actor_kind, actor_id, action, entity, entity_id, detail, source_ip, request_id)
    values (p_audit_kind, p_audit_actor, 'load.authorise', 'load', p_id::text, p_audit_detail, p_ip, p_request_id);
  return query select 'ok', null::bytea, null::integer, null::text;
end $$;

-- Confirmation by TAC (verified by the service against the load it read; a load's card data never
-- changes, only its status, which is checked again here under the lock).
create function load_confirm(
  p_owner text, p_key text, p_hash bytea, p_answer text,
  p_id uuid, p_tac text, p_actor text, p_now timestamptz,
  p_audit_kind text, p_audit_actor text, p_audit_detail jsonb, p_ip text, p_request_id text
) returns table (o_outcome text, o_hash bytea, o_status integer, o_body text)
language plpgsql as $$
declare
  l record;
  e bigint;
  n integer;
begin
  insert into idempotency_keys as k (client_id, idem_key, request_hash, response_status, response_body)
    values (p_owner, p_key, p_hash, 200, p_answer)
    on conflict do nothing;
  if not found then
    return query select 'replay', k.request_hash, k.response_status, k.response_body
      from idempotency_keys k where k.client_id = p_owner and k.idem_key = p_key;
    return;
  end if;
  select card_no, amount, balance_before, online_seq, status, tac into l from loads where id = p_id for update;
  if l.status = 'confirmed' and l.tac = p_tac then
    -- the same confirmation again under a new key: the same answer, nothing moves
    return query select 'ok', null::bytea, null::integer, null::text;
    return;
  end if;
  if l.status is distinct from 'authorised' then
    delete from idempotency_keys where client_id = p_owner and idem_key = p_key;
    return query select coalesce(l.status, 'fallback'), null::bytea, null::integer, null::text;
    return;
  end if;
  insert into journal_entries (kind, reference, memo, actor)
    values ('load-confirm', p_id::text, 'load onto ' || l.card_no || ' (tac)', p_actor) returning id into e;
  insert into postings (entry_id, account_id, amount)
    select e, a.id, v.amount from (values ('loads-in-flight', l.amount), ('purse-float', -l.amount)) v (code, amount)
      join ledger_accounts a on a.code = v.code;
  get diagnostics n = row_count;
  if n <> 2 then
    raise exception 'unknown ledger account loads-in-flight or purse-float' using errcode = 'P0002';
  end if;
  update cards set last_balance = l.balance_before + l.amount, last_online_seq = l.online_seq + 1
    where card_no = l.card_no and last_online_seq <= l.online_seq + 1;
  update loads set status = 'confirmed', resolution = 'tac', tac = p_tac, updated_at = p_now where id = p_id;
  insert into load_state_changes (load_id, at, from_status, to_status, actor, reason, detail)
    values (p_id, p_now, 'authorised', 'confirmed', p_actor, 'TAC verified', '{"resolution":"tac"}'::jsonb);
  insert into audit_log (actor_kind, actor_id, action, entity, entity_id, detail, source_ip, request_id)
    values (p_audit_kind, p_audit_actor, 'load.confirm', 'load', p_id::text, p_audit_detail, p_ip, p_request_id);
  return query select 'ok', null::bytea, null::integer, null::text;
end $$;
