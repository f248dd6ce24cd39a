-- The online load's two phase functions (0175) write a phase's rows in one statement instead of five.
--
-- Each statement a PL/pgSQL function runs takes its own snapshot and executor: on the loads bench the
-- writes after the checks (the load row or its update, its state changes, the journal entry, its
-- postings, the audit row, the card's purse) were five to six statements per phase. They are now one,
-- as data-modifying CTEs. The rows are the same; the triggers and foreign keys still apply, at the end
-- of that statement (the postings' balance check and running balance, the load's history naming it);
-- the entry's own check still runs at commit. The claim, the lock and the checks before the writes are
-- as they were, in the same order (idempotency key, card, load).

create or replace function load_init(
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
  with load_row as (
    insert into loads (id, card_no, channel, client_id, actor, payment_method, payment_reference, payer_account,
                       amount, terminal_id, balance_before, online_seq, key_version, alg_id, random, mac1,
                       host_date, host_time, mac2, status, created_at, updated_at)
      values (p_id, p_card_no, p_channel, p_client_id, p_actor, p_payment_method, p_payment_reference, p_payer,
              p_amount, p_terminal_id, p_balance_before, p_online_seq, p_key_version, p_alg_id, p_random, p_mac1,
              p_host_date, p_host_time, p_mac2, 'authorised', p_now, p_now)
  ), history as (
    insert into load_state_changes (load_id, at, from_status, to_status, actor, reason, detail)
      values (p_id, p_now, null, 'requested', p_actor, 'MAC1 verified', p_requested_detail),
             (p_id, p_now, 'requested', 'authorised', p_actor, 'MAC2 issued', '{}'::jsonb)
  ), entry as (
    insert into journal_entries (kind, reference, memo, actor)
      values ('load-authorise', p_id::text, 'load onto ' || p_card_no, p_actor) returning id
  ), posted as (
    insert into postings (entry_id, account_id, amount)
      select entry.id, a.id, v.amount
        from entry, (values (p_payer, p_amount), ('loads-in-flight', -p_amount)) v (code, amount)
        join ledger_accounts a on a.code = v.code
      returning 1
  ), audited as (
    insert into audit_log (actor_kind, actor_id, action, entity, entity_id, detail, source_ip, request_id)
      values (p_audit_kind, p_audit_actor, 'load.authorise', 'load', p_id::text, p_audit_detail, p_ip, p_request_id)
  )
  select count(*) into n from posted;
  if n <> 2 then
    raise exception 'unknown ledger account % or loads-in-flight', p_payer using errcode = 'P0002';
  end if;
  return query select 'ok', null::bytea, null::integer, null::text;
end $$;

create or replace function load_confirm(
  p_owner text, p_key text, p_hash bytea, p_answer text,
  p_id uuid, p_tac text, p_actor text, p_now timestamptz,
  p_audit_kind text, p_audit_actor text, p_audit_detail jsonb, p_ip text, p_request_id text
) returns table (o_outcome text, o_hash bytea, o_status integer, o_body text)
language plpgsql as $$
declare
  l record;
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
  with entry as (
    insert into journal_entries (kind, reference, memo, actor)
      values ('load-confirm', p_id::text, 'load onto ' || l.card_no || ' (tac)', p_actor) returning id
  ), posted as (
    insert into postings (entry_id, account_id, amount)
      select entry.id, a.id, v.amount
        from entry, (values ('loads-in-flight', l.amount), ('purse-float', -l.amount)) v (code, amount)
        join ledger_accounts a on a.code = v.code
      returning 1
  ), purse as (
    update cards set last_balance = l.balance_before + l.amount, last_online_seq = l.online_seq + 1
      where card_no = l.card_no and last_online_seq <= l.online_seq + 1
  ), load_row as (
    update loads set status = 'confirmed', resolution = 'tac', tac = p_tac, updated_at = p_now where id = p_id
  ), history as (
    insert into load_state_changes (load_id, at, from_status, to_status, actor, reason, detail)
      values (p_id, p_now, 'authorised', 'confirmed', p_actor, 'TAC verified', '{"resolution":"tac"}'::jsonb)
  ), audited as (
    insert into audit_log (actor_kind, actor_id, action, entity, entity_id, detail, source_ip, request_id)
      values (p_audit_kind, p_audit_actor, 'load.confirm', 'load', p_id::text, p_audit_detail, p_ip, p_request_id)
  )
  select count(*) into n from posted;
  if n <> 2 then
    raise exception 'unknown ledger account loads-in-flight or purse-float' using errcode = 'P0002';
  end if;
  return query select 'ok', null::bytea, null::integer, null::text;
end $$;
