-- Who opened a customer (an actor label such as user:alice or client:icbc). A bank client may
-- only see and extend the customers it opened (DESIGN §9: a bank acts only on its own requests).
alter table customers add column opened_by text;
create index customers_opened_by_idx on customers (opened_by) where opened_by like 'client:%';
