// Who handles complaints: units with a supervisor and a manager (the escalation chain), the unit each
// staff member works in, and the maintained list of root causes. Users themselves belong to access.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { findUserById } from '../access/index.ts';

export type UnitView = {
  id: bigint;
  code: string;
  name: string;
  supervisorUserId: bigint | null;
  managerUserId: bigint | null;
  members: bigint[];
  active: boolean;
};
export type RootCauseView = { code: string; name: string; category: string | null; active: boolean };

export async function requireUser(db: Knex, userId: bigint): Promise<void> {
  const u = await findUserById(db, userId);
  if (!u || u.disabled) throw new AppError('servicedesk-user-not-found', `no active user ${userId}`, 'userId');
}

/** A unit that may be named now: a deactivated one is refused (its old tickets keep it). */
export async function requireUnit(db: Knex, unitId: bigint): Promise<Record<string, any>> {
  const u = await db('servicedesk_units').where({ id: unitId }).first();
  if (!u) throw new AppError('unit-not-found', `no unit ${unitId}`);
  if (!u.active) throw new AppError('unit-inactive', `unit ${u.code} is deactivated`);
  return u;
}

export async function unitOfUser(db: Knex, userId: bigint): Promise<bigint | null> {
  const r = await db('servicedesk_staff').where({ user_id: userId }).first('unit_id');
  return r ? BigInt(r.unit_id) : null;
}

export async function listUnits(db: Knex): Promise<UnitView[]> {
  const units = await db('servicedesk_units').orderBy('code');
  const staff = await db('servicedesk_staff').select('unit_id', 'user_id').orderBy('user_id');
  return units.map((u) => ({
    id: BigInt(u.id),
    code: u.code,
    name: u.name,
    supervisorUserId: u.supervisor_user_id == null ? null : BigInt(u.supervisor_user_id),
    managerUserId: u.manager_user_id == null ? null : BigInt(u.manager_user_id),
    members: staff.filter((s) => String(s.unit_id) === String(u.id)).map((s) => BigInt(s.user_id)),
    active: u.active,
  }));
}

/** Creates or updates a unit by its code. `members`, when given, is the unit's whole membership:
 *  those listed are moved into it (a user works in one unit), those no longer listed leave it. */
export async function saveUnit(
  db: Knex,
  ctx: RequestContext,
  u: {
    code: string;
    name: string;
    supervisorUserId?: bigint | null;
    managerUserId?: bigint | null;
    members?: bigint[];
  },
): Promise<UnitView> {
  return inTransaction(db, async (trx) => {
    for (const id of [u.supervisorUserId, u.managerUserId, ...(u.members ?? [])]) if (id) await requireUser(trx, id);
    const [row] = await trx('servicedesk_units')
      .insert({
        code: u.code,
        name: u.name,
        supervisor_user_id: u.supervisorUserId ?? null,
        manager_user_id: u.managerUserId ?? null,
      })
      .onConflict('code')
      .merge(['name', 'supervisor_user_id', 'manager_user_id'])
      .returning('*');
    let left: string[] = [];
    if (u.members) {
      const members = [...new Set(u.members.map(String))]; // one upsert may touch a row only once
      const leaving = trx('servicedesk_staff').where({ unit_id: row.id });
      if (members.length) leaving.whereNotIn('user_id', members);
      left = (await leaving.del().returning('user_id')).map((r: { user_id: string | bigint }) => String(r.user_id));
      if (members.length)
        await trx('servicedesk_staff')
          .insert(members.map((m) => ({ user_id: m, unit_id: row.id })))
          .onConflict('user_id')
          .merge(['unit_id']);
    }
    await audit(trx, ctx, {
      action: 'servicedesk.unit-save',
      entity: 'servicedesk-unit',
      entityId: row.id,
      detail: u.members ? { code: u.code, members: u.members.map(String), left } : { code: u.code },
    });
    return (await listUnits(trx)).find((x) => x.id === BigInt(row.id))!;
  });
}

/** Deactivates a unit, or activates it again; the reason goes to the audit log. */
export async function setUnitActive(
  db: Knex,
  ctx: RequestContext,
  unitId: bigint,
  active: boolean,
  reason: string,
): Promise<UnitView> {
  return inTransaction(db, async (trx) => {
    const u = await trx('servicedesk_units').where({ id: unitId }).forUpdate().first();
    if (!u) throw new AppError('unit-not-found', `no unit ${unitId}`);
    if (u.active !== active) await trx('servicedesk_units').where({ id: unitId }).update({ active });
    await audit(trx, ctx, {
      action: active ? 'servicedesk.unit-activate' : 'servicedesk.unit-deactivate',
      entity: 'servicedesk-unit',
      entityId: unitId,
      detail: { code: u.code, reason, changed: u.active !== active },
    });
    return (await listUnits(trx)).find((x) => x.id === unitId)!;
  });
}

const toCause = (r: Record<string, any>): RootCauseView => ({
  code: r.code,
  name: r.name,
  category: r.category,
  active: r.active,
});

export async function listRootCauses(db: Knex): Promise<RootCauseView[]> {
  return (await db('servicedesk_root_causes').orderBy('code')).map(toCause);
}

export async function saveRootCause(
  db: Knex,
  ctx: RequestContext,
  c: { code: string; name: string; category?: string | null; active: boolean },
): Promise<RootCauseView> {
  return inTransaction(db, async (trx) => {
    const [row] = await trx('servicedesk_root_causes')
      .insert({
        code: c.code,
        name: c.name,
        category: c.category ?? null,
        active: c.active,
        changed_by: actorLabel(ctx.actor),
        changed_at: ctx.app.clock.now(),
      })
      .onConflict('code')
      .merge(['name', 'category', 'active', 'changed_by', 'changed_at'])
      .returning('*');
    await audit(trx, ctx, { action: 'servicedesk.root-cause-save', entity: 'root-cause', entityId: c.code, detail: c });
    return toCause(row);
  });
}
