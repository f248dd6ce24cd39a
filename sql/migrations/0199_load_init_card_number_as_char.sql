-- load_init (0198) found its card and the card's load in flight with a seq scan.
--
-- Its card number is a text parameter. cards.card_no and loads.card_no are char(20), and
-- `card_no = p_card_no` compares them as text (`card_no::text = p_card_no`), which no index on
-- card_no serves. So every load:
-- - read the whole cards table to lock its card: a province's millions of cards per load;
-- - found "a load in flight on this card" through the in-flight index on created_at, filtering every
--   in-flight entry by card. Until a vacuum, that index keeps an entry for each load ever authorised:
--   on the loads bench, with autovacuum off, 2.2 ms per load after 30,000 loads, growing with each.
--
-- The card number is now held as char(20), the columns' own type, so both reads use the card-number
-- indexes (cards_pkey, loads_one_in_flight_per_card). The signature, the rows written and the lock
-- order are unchanged. load_confirm takes the card number from the load row (char(20)) and was not
-- affected.

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
  -- the columns' type: compared as text, no index on card_no would serve
  card char(20) := p_card_no;
begin
  insert into idempotency_keys as k (client_id, idem_key, request_hash, response_status, response_body)
    values (p_owner, p_key, p_hash, 201, p_answer)
    on conflict do nothing;
  if not found then
    return query select 'replay', k.request_hash, k.response_status, k.response_body
      from idempotency_keys k where k.client_id = p_owner and k.idem_key = p_key;
    return;
  end if;
  select card_type, status, last_online_seq into c from cards where card_no = card for update;
  -- a stored-value card in service, no load in flight, the sequence the centre knows: else the general path
  if not found or c.card_type <> 22 or c.status <> 1 or c.last_online_seq <> p_online_seq
     or exists (select 1 from loads where card_no = card and status = 'authorised') then
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
