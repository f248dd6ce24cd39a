-- A split's operator is one of its lane row's split_operators, priced from sections whose operator
-- is a foreign key already, and every split is summed into clearing_operator_totals, which keeps its
-- own key to operators. Checking the key once more per split row cost about a minute of a
-- 10-million-transaction day (bench/README.md), so the splits go without it.
alter table clearing_splits drop constraint clearing_splits_operator_id_fkey;
