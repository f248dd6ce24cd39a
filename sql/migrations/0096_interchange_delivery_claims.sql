-- A document being sent to a peer is claimed for a while (a committed lease), instead of being held
-- under a row lock for the length of the peer's HTTP call (up to 30 s): the call happens outside
-- any transaction, and the answer is recorded in a second one. A claim that outlives its worker
-- simply expires, and the next round sends the document again (peers answer a resend as a duplicate).
alter table interchange_packages add column delivery_claimed_until timestamptz;
alter table interchange_confirmations add column delivery_claimed_until timestamptz;
alter table interchange_resolutions add column delivery_claimed_until timestamptz;
