-- A lane batch no longer locks its cards: the purse readings of its stored-value purchases are
-- applied to cards.last_balance just after the batch commits, in the same short transaction as its
-- overdraft judgement (lanes/upload-completion.ts), so exit batches of the same cards do not wait
-- for each other's whole batch. An upload with readings to apply is marked here in the batch's own
-- transaction and unmarked once they are applied; the review job catches up every stored-value card
-- while any upload is still marked (a process that died between the two). Whatever locks a card to
-- pay out its purse catches that card up first (issuance/lane-purses.ts). Existing uploads applied
-- their readings in their own transaction: false.
alter table lane_uploads add column purses_pending boolean not null default false;
create index lane_uploads_purses_pending on lane_uploads (id) where purses_pending;
