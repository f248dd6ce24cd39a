// Confirm (TAC) and reverse (bank or counter reversal with the card's evidence), ICD §1.
import { cardSerial } from '../../platform/crypto/pboc.ts';
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { raiseExceptions } from '../finance/index.ts';
import { findLoad, type Load } from './load-repo.ts';
import { confirm, reverse } from './settle.ts';

// A bank may act only on its own loads; staff on any (the counter's and, for finance, the banks').
export function assertMayAct(ctx: RequestContext, load: Load): void {
  const bank = ctx.actor.kind === 'client' && ctx.actor.role === 'bank';
  if (bank ? load.clientId !== ctx.actor.id : ctx.actor.kind !== 'user')
    throw new AppError('forbidden', 'this load belongs to another channel');
}

export async function confirmLoad(
  db: Knex,
  ctx: RequestContext,
  loadId: string,
  tac: string,
): Promise<{ loadId: string; status: 'confirmed'; balance: bigint }> {
  const { keys, clock } = ctx.app;
  return inTransaction(db, async (trx) => {
    const load = await findLoad(trx, loadId, { lock: true });
    assertMayAct(ctx, load);
    const balance = load.balanceBefore + load.amount;
    if (load.status === 'confirmed') {
      if (load.tac === tac) return { loadId, status: 'confirmed', balance };
      throw new AppError('load-confirmed', `load ${loadId} was confirmed already (${load.resolution})`);
    }
    if (load.status === 'reversed') throw new AppError('load-reversed', `load ${loadId} was reversed`);
    const ok = keys.verifyLoadTac({
      serial8: cardSerial(load.cardNo),
      keyVersion: load.keyVersion,
      newBalance: balance,
      onlineSeq: load.onlineSeq,
      amount: load.amount,
      terminalId: load.terminalId,
      hostDate: load.hostDate,
      hostTime: load.hostTime,
      tac,
    });
    if (!ok) {
      const err = new AppError(
        'tac-invalid',
        'the TAC does not verify; the load stays authorised and is flagged for review',
      );
      err.afterRollback = (db2) => flagTacInvalid(db2, ctx, load, tac);
      throw err;
    }
    const actor = actorLabel(ctx.actor);
    await confirm(trx, clock.now(), load, actor, { resolution: 'tac', tac });
    await audit(trx, ctx, { action: 'load.confirm', entity: 'load', entityId: loadId, detail: { balance } });
    return { loadId, status: 'confirmed', balance };
  });
}

async function flagTacInvalid(db: Knex, ctx: RequestContext, load: Load, tac: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    const now = ctx.app.clock.now();
    await trx('loads')
      .where({ id: load.id, status: 'authorised' })
      .update({ review_flag: 'tac-invalid', updated_at: now });
    await raiseExceptions(trx, now, [
      {
        kind: 'load-tac-invalid',
        reference: load.id,
        source: 'topup',
        amount: load.amount,
        detail: { cardNo: load.cardNo, tac, by: actorLabel(ctx.actor) },
      },
    ]);
    await audit(trx, ctx, { action: 'load.tac-invalid', entity: 'load', entityId: load.id, detail: { tac } });
  });
}

export async function reverseLoad(
  db: Knex,
  ctx: RequestContext,
  loadId: string,
  input: { reason: string; card: { balance: bigint; onlineSeq: number } },
): Promise<{ loadId: string; status: 'reversed' }> {
  return inTransaction(db, async (trx) => {
    const load = await findLoad(trx, loadId, { lock: true });
    assertMayAct(ctx, load);
    if (load.status === 'reversed') return { loadId, status: 'reversed' };
    if (load.status === 'confirmed')
      throw new AppError('load-confirmed', `load ${loadId} was confirmed: it cannot be reversed`);
    if (input.card.onlineSeq > load.onlineSeq)
      throw new AppError(
        'card-credited',
        "the card's online sequence has advanced: the credit happened; it will be confirmed at the card's next load",
      );
    if (input.card.onlineSeq < load.onlineSeq)
      throw new AppError('invalid-request', "card.onlineSeq: older than the load's own sequence", 'card.onlineSeq');
    await reverse(trx, ctx.app.clock.now(), load, actorLabel(ctx.actor), 'reversal', input.reason);
    await audit(trx, ctx, {
      action: 'load.reverse',
      entity: 'load',
      entityId: loadId,
      detail: { reason: input.reason },
    });
    return { loadId, status: 'reversed' };
  });
}
