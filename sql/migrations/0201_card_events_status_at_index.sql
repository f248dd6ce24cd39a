-- A card's status at an instant, asked by lane ingest once per transaction (`cardFactsAt`: the newest
-- event at or before the trip). On (card_no, id) each probe read every event of the card from the
-- table and sorted them; on this index it is the first entry of one range, with the status in the
-- index itself. 1,000 such probes with the card rows took 4.9–6.0 ms against 6.6–6.8 ms (pgbench,
-- three events per card; a card's history only grows). The (card_no, id) index stays for the card's
-- history in order. `if not exists`: on a centre with years of card events an operator may build it
-- `concurrently` before the deploy (docs/OPERATIONS.md), and this then finds it made.
create index if not exists card_events_status_at_idx on card_events (card_no, at desc, id desc) include (to_status);
