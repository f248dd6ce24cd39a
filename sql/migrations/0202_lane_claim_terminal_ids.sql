-- The terminal-key claim answering one array: the new transaction id of each key, in the order the
-- keys were sent, null where the key was already taken. Its rows cost the service more to read than
-- the claim costs to make: 1,000 rows of (terminal id, sequence, id) parsed and keyed by string took
-- 2.2–2.5 ms of the client's CPU against 0.5–0.9 ms for one int8[] of the same ids. Otherwise as
-- lane_claim_terminal_keys (migration 0200): a plain insert first, ON CONFLICT only when a key is
-- taken; each key's answer is found by joining the claimed rows back to the keys by value, so it does
-- not depend on the order the insert returns them. lane_claim_terminal_keys stays for a process of
-- the code before still running during a deploy.

create function lane_claim_terminal_ids(p_terminal_id bpchar[], p_terminal_seq bigint[], p_clearing_date date[])
returns bigint[]
language plpgsql as $$
declare
  ids bigint[];
begin
  begin
    with claimed as (
      insert into lane_transaction_keys as k (terminal_id, terminal_seq, transaction_id, clearing_date)
      select v.tid, v.tseq, nextval('lane_transactions_id_seq'), v.cd
        from unnest(p_terminal_id, p_terminal_seq, p_clearing_date) with ordinality as v(tid, tseq, cd, ord)
       order by v.ord
      returning k.terminal_id, k.terminal_seq, k.transaction_id)
    select array_agg(c.transaction_id order by v.ord) into ids
      from unnest(p_terminal_id, p_terminal_seq) with ordinality as v(tid, tseq, ord)
      left join claimed c on c.terminal_id = v.tid and c.terminal_seq = v.tseq;
    return coalesce(ids, '{}');
  exception when unique_violation then
    null; -- a key is taken: the claim below skips the taken ones
  end;
  with claimed as (
    insert into lane_transaction_keys as k (terminal_id, terminal_seq, transaction_id, clearing_date)
    select v.tid, v.tseq, nextval('lane_transactions_id_seq'), v.cd
      from unnest(p_terminal_id, p_terminal_seq, p_clearing_date) with ordinality as v(tid, tseq, cd, ord)
     order by v.ord
    on conflict do nothing
    returning k.terminal_id, k.terminal_seq, k.transaction_id)
  select array_agg(c.transaction_id order by v.ord) into ids
    from unnest(p_terminal_id, p_terminal_seq) with ordinality as v(tid, tseq, ord)
    left join claimed c on c.terminal_id = v.tid and c.terminal_seq = v.tseq;
  return coalesce(ids, '{}');
end $$;
