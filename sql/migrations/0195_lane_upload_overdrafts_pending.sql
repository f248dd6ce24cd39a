-- A lane batch's overdraft judgement runs just after the batch commits, in a short transaction of its
-- own (lanes/overdraft.ts judgeUploadOverdrafts), so that the overdraft rows every exit batch of the
-- same debit accounts shares are locked for milliseconds, not for the whole batch. An upload that
-- charged debit accounts is marked here in the batch's own transaction and unmarked by its judgement;
-- the review job judges every upload still marked (a process that died between the two), so no
-- judgement is lost. Existing uploads were judged in their own transaction: false.
alter table lane_uploads add column overdrafts_pending boolean not null default false;
create index lane_uploads_overdrafts_pending on lane_uploads (id) where overdrafts_pending;
