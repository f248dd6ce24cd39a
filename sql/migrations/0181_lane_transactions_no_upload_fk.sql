-- lane_transactions.upload_id without a foreign key: checking it was about 45 % of the cost of the
-- row insert (a lookup of lane_uploads and a row lock per transaction row). The integrity holds by
-- construction instead: ingest writes an upload and its rows in one statement (the rows take the id
-- the upload's insert returns), uploads are never deleted, and the lanes invariant "lane upload counts
-- reconcile with the transactions stored" reports any row whose upload does not exist.
alter table lane_transactions drop constraint lane_transactions_upload_id_fkey;
