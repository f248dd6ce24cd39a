-- Clearing splits and operator totals carry, besides own-card money, the money other provinces
-- confirmed (or decided to pay) for their cards on our roads: source 'province:<network>'.
alter table clearing_splits drop constraint clearing_splits_source_check;
alter table clearing_splits add constraint clearing_splits_source_check check (source = 'own-card' or source ~ '^province:\d{4}$');
