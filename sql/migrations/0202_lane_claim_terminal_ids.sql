-- The terminal-key claim answering one array: the new transaction id of each key, in the order the
-- keys were sent, null where the key was already taken. Its rows cost the service more to read than
-- the claim costs to make: 1,000 rows of (terminal id, sequence, id) parsed and keyed by string took
-- 2.1–3.1 ms of the client's CPU against 1.0–1.8 ms for one int8[] of the same ids. The claim itself
-- is lane_claim_terminal_keys (migration 0200: a plain insert first, ON CONFLICT only when a key is
-- taken), run once as the join's function scan; each key's answer is found by joining its rows back
-- to the keys by value, so it does not depend on the order they come back in.

create function lane_claim_terminal_ids(p_terminal_id bpchar[], p_terminal_seq bigint[], p_clearing_date date[])
returns bigint[]
language sql as $$
  select coalesce(array_agg(c.o_transaction_id order by v.ord), '{}')
    from unnest(p_terminal_id, p_terminal_seq) with ordinality as v(tid, tseq, ord)
    left join lane_claim_terminal_keys(p_terminal_id, p_terminal_seq, p_clearing_date) as c
           on c.o_terminal_id = v.tid and c.o_terminal_seq = v.tseq
$$;
