-- A card's history (service-hall console) reads its lane transactions newest first; without this
-- index every partition would be scanned for one card.
create index lane_transactions_card_idx on lane_transactions (card_no, tx_time);
