-- Two more roles: account managers (people who look after a corporate portfolio) and the national
-- ETC hotline (a machine client that hands complaints to the province, signed like a bank).
alter table users drop constraint users_role_check;
alter table users add constraint users_role_check
  check (role in ('clerk','supervisor','finance','admin','auditor','account-manager'));
alter table api_clients drop constraint api_clients_role_check;
alter table api_clients add constraint api_clients_role_check check (role in ('bank','lane','province','hotline'));
