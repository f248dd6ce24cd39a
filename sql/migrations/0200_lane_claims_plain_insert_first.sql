-- Lane ingest's two key claims (the terminal key of every stored transaction; the card and offline
-- sequence of every accepted one), each still one round trip, now tried first as a plain INSERT.
-- Nearly every batch claims only new keys, and INSERT … ON CONFLICT inserts each row speculatively
-- (a look in the index first, then a confirmation record per row): 1,000 terminal keys took 8.05 ms
-- that way against 5.87 ms plain, and 6.10 ms through this function (pgbench, alternated, 10 rounds).
-- When a key is already taken (a re-sent transaction, or a concurrent batch that won it) the plain
-- INSERT fails whole, the block's subtransaction undoes its rows, and the claim runs as it did
-- before, with ON CONFLICT DO NOTHING. Callers sort the keys, so two batches lock the keys they
-- share in the same order either way. The claimed rows are gathered into arrays before they are
-- returned: a failed attempt has returned nothing.

create function lane_claim_terminal_keys(p_terminal_id bpchar[], p_terminal_seq bigint[], p_clearing_date date[])
returns table (o_terminal_id bpchar, o_terminal_seq bigint, o_transaction_id bigint)
language plpgsql as $$
declare
  tids bpchar[];
  seqs bigint[];
  ids bigint[];
begin
  begin
    with claimed as (
      insert into lane_transaction_keys as k (terminal_id, terminal_seq, transaction_id, clearing_date)
      select v.tid, v.tseq, nextval('lane_transactions_id_seq'), v.cd
        from unnest(p_terminal_id, p_terminal_seq, p_clearing_date) with ordinality as v(tid, tseq, cd, ord)
       order by v.ord
      returning k.terminal_id, k.terminal_seq, k.transaction_id)
    select array_agg(c.terminal_id), array_agg(c.terminal_seq), array_agg(c.transaction_id)
      into tids, seqs, ids from claimed c;
    return query select * from unnest(tids, seqs, ids);
    return;
  exception when unique_violation then
    null; -- a key is taken: the claim below skips the taken ones
  end;
  return query
    insert into lane_transaction_keys as k (terminal_id, terminal_seq, transaction_id, clearing_date)
    select v.tid, v.tseq, nextval('lane_transactions_id_seq'), v.cd
      from unnest(p_terminal_id, p_terminal_seq, p_clearing_date) with ordinality as v(tid, tseq, cd, ord)
     order by v.ord
    on conflict do nothing
    returning k.terminal_id, k.terminal_seq, k.transaction_id;
end $$;

-- Returns the (card, offline sequence) pairs another batch had already claimed: none, as a rule.
create function lane_claim_card_seqs(
  p_card_no bpchar[], p_offline_seq integer[], p_transaction_id bigint[], p_clearing_date date[],
  p_tx_time timestamptz[], p_amount bigint[], p_balance_before bigint[], p_balance_after bigint[]
) returns table (o_card_no bpchar, o_offline_seq integer)
language plpgsql as $$
begin
  begin
    insert into lane_card_sequences (card_no, offline_seq, transaction_id, clearing_date, tx_time, amount,
                                     balance_before, balance_after)
    select * from unnest(p_card_no, p_offline_seq, p_transaction_id, p_clearing_date, p_tx_time, p_amount,
                         p_balance_before, p_balance_after);
    return;
  exception when unique_violation then
    null; -- a pair is taken: the claim below skips the taken ones
  end;
  return query
    with v as (select * from unnest(p_card_no, p_offline_seq, p_transaction_id, p_clearing_date, p_tx_time, p_amount,
                                    p_balance_before, p_balance_after)
                 as v(card_no, offline_seq, transaction_id, clearing_date, tx_time, amount, balance_before, balance_after)),
         claimed as (insert into lane_card_sequences as s (card_no, offline_seq, transaction_id, clearing_date, tx_time,
                                                           amount, balance_before, balance_after)
                     select * from v
                     on conflict do nothing
                     returning s.card_no, s.offline_seq)
    select v.card_no, v.offline_seq from v
     where not exists (select from claimed c where c.card_no = v.card_no and c.offline_seq = v.offline_seq);
end $$;
