// OBUs: issue (with the system and vehicle files and their write MACs), activate (writes the
// tamper flag), and the life cycle: loss, cancel loss, suspend, resume, cancel, tamper, replace.
import type { Knex } from 'knex';
import { addYears, localDate } from '../../platform/clock/clock.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { actorLabel, type Actor, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { holderForIssue } from './holder.ts';
import { feeFor, postFee, type Fee, type PaymentMethod } from './fees.ts';
import { nextObuNo } from './numbers.ts';
import { claimStockNumber } from './stock.ts';
import {
  obuActivationWrite,
  obuSystemFile,
  obuSystemWrite,
  obuVehicleFile,
  obuVehicleWrite,
  type WriteCommand,
} from './personalisation.ts';
import { recordStatusChange, type StatusChange } from './status-change.ts';
import { visibleTo } from './visibility.ts';

const VALID_YEARS = 10;
export const OBU_STATUS = {
  normal: 1,
  suspendedWithObu: 2,
  suspendedWithoutObu: 3,
  cancelledWithObu: 4,
  cancelledWithoutObu: 5,
  reportedLost: 6,
} as const;
const NAMES: Record<number, string> = {
  1: 'normal',
  2: 'suspended with OBU',
  3: 'suspended without OBU',
  4: 'cancelled with OBU',
  5: 'cancelled without OBU',
  6: 'reported lost',
};

export type ObuView = {
  obuNo: string;
  customerId: bigint;
  vehicleId: bigint;
  status: number;
  statusName: string;
  contractVersion: number;
  signedDate: string;
  expiryDate: string;
  issuedAt: Date;
  issuedBy: string;
  activatedAt: Date | null;
  tamperedAt: Date | null;
  statusChangedAt: Date;
};

const toObu = (r: Record<string, any>): ObuView => ({
  obuNo: r.obu_no,
  customerId: r.customer_id,
  vehicleId: r.vehicle_id,
  status: r.status,
  statusName: NAMES[r.status],
  contractVersion: r.contract_version,
  signedDate: r.signed_date,
  expiryDate: r.expiry_date,
  issuedAt: r.issued_at,
  issuedBy: r.issued_by,
  activatedAt: r.activated_at,
  tamperedAt: r.tampered_at,
  statusChangedAt: r.status_changed_at,
});

// Given the caller (viewer), an OBU out of its scope is not found (visibility.ts).
async function visible(db: Knex, obuNo: string, row: Record<string, any> | undefined, viewer?: Actor) {
  const obu = row ? toObu(row) : null;
  if (!obu || !(await visibleTo(db, viewer, obu))) throw new AppError('obu-not-found', `no OBU ${obuNo}`);
  return obu;
}

export async function findObu(db: Knex, obuNo: string, viewer?: Actor): Promise<ObuView> {
  return visible(db, obuNo, await db('obus').where({ obu_no: obuNo }).first(), viewer);
}

async function lockObu(trx: Knex.Transaction, obuNo: string, viewer?: Actor): Promise<ObuView> {
  return visible(trx, obuNo, await trx('obus').where({ obu_no: obuNo }).forUpdate().first(), viewer);
}

const record = (trx: Knex.Transaction, ctx: RequestContext, obu: ObuView, from: number | null, change: StatusChange) =>
  recordStatusChange(trx, ctx, { medium: 'obu', id: obu.obuNo, customerId: obu.customerId }, from, change);

function refuse(obu: ObuView, what: string): never {
  throw new AppError('obu-state-conflict', `OBU ${obu.obuNo} is ${obu.statusName}: cannot ${what}`);
}

export type IssuedObu = {
  obu: ObuView;
  fee: Fee;
  personalisation: { systemFile: string; vehicleFile: string; writes: WriteCommand[] };
};
type NewObu = {
  customerId: bigint;
  vehicleId: bigint;
  payment: { method: PaymentMethod };
  challenge?: string;
  vehicleChallenge?: string;
  obuNo?: string; // a blank OBU of the demo stock (stock.ts); otherwise a new number
};

async function insertObu(
  trx: Knex.Transaction,
  ctx: RequestContext,
  input: NewObu,
  predecessor: string | null,
): Promise<IssuedObu> {
  const { customer, vehicle } = await holderForIssue(trx, ctx, input);
  const now = ctx.app.clock.now();
  const day = localDate(now);
  let obuNo: string;
  if (input.obuNo) {
    await claimStockNumber(trx, 'obu', input.obuNo, now);
    obuNo = input.obuNo;
  } else obuNo = await nextObuNo(trx, ctx.app.config.network, day);
  let row;
  try {
    [row] = await trx('obus')
      .insert({
        obu_no: obuNo,
        customer_id: customer.id,
        vehicle_id: vehicle.id,
        status: OBU_STATUS.normal,
        signed_date: day,
        expiry_date: addYears(day, VALID_YEARS),
        issued_at: now,
        issued_by: actorLabel(ctx.actor),
        status_changed_at: now,
      })
      .returning('*');
  } catch (err) {
    if (isUniqueViolation(err, 'obus_one_active_per_vehicle'))
      throw new AppError('vehicle-has-active-obu', `vehicle ${vehicle.plate} already has an OBU in service`);
    throw err;
  }
  const obu = toObu(row);
  const fee = await feeFor(trx, predecessor ? 'obu-replace' : 'obu', day);
  await postFee(trx, fee, input.payment.method, ctx.actor, `obu:${obuNo}`, actorLabel(ctx.actor));
  await record(trx, ctx, obu, null, {
    action: predecessor ? 'replace-issue' : 'issue',
    event: 'obu-issued',
    toStatus: OBU_STATUS.normal,
    reason: null,
    detail: { vehicleId: vehicle.id, predecessor, fee: fee.price },
  });
  const system = obuSystemFile({
    obuNo,
    contractVersion: obu.contractVersion,
    signedDate: obu.signedDate,
    expiryDate: obu.expiryDate,
    activated: false,
  });
  const vehicleFile = obuVehicleFile(vehicle);
  const writes: WriteCommand[] = [];
  if (input.challenge) writes.push(obuSystemWrite(ctx.app.keys, obuNo, system, Buffer.from(input.challenge, 'hex')));
  if (input.vehicleChallenge)
    writes.push(obuVehicleWrite(ctx.app.keys, obuNo, vehicleFile, Buffer.from(input.vehicleChallenge, 'hex')));
  return {
    obu,
    fee,
    personalisation: {
      systemFile: system.toString('hex').toUpperCase(),
      vehicleFile: vehicleFile.toString('hex').toUpperCase(),
      writes,
    },
  };
}

export async function issueObu(db: Knex, ctx: RequestContext, input: NewObu): Promise<IssuedObu> {
  return inTransaction(db, (trx) => insertObu(trx, ctx, input, null));
}

// Activation at the counter: the OBU is fitted and the tamper flag is written (one byte, MF EF01
// offset 26). Re-activation after a tamper report is how a refitted OBU comes back into service.
export async function activateObu(
  db: Knex,
  ctx: RequestContext,
  obuNo: string,
  challenge: string,
): Promise<{ obu: ObuView; write: WriteCommand }> {
  return inTransaction(db, async (trx) => {
    const obu = await lockObu(trx, obuNo, ctx.actor);
    if (obu.status !== OBU_STATUS.normal) refuse(obu, 'activate it');
    if (obu.activatedAt && !obu.tamperedAt) refuse({ ...obu, statusName: 'already activated' }, 'activate it again');
    await trx('obus').where({ obu_no: obuNo }).update({ activated_at: ctx.app.clock.now(), tampered_at: null });
    await record(trx, ctx, obu, obu.status, {
      action: 'activate',
      event: 'obu-activated',
      toStatus: obu.status,
      reason: null,
      detail: { afterTamper: obu.tamperedAt !== null },
    });
    return {
      obu: await findObu(trx, obuNo),
      write: obuActivationWrite(ctx.app.keys, obuNo, Buffer.from(challenge, 'hex')),
    };
  });
}

const TRANSITIONS = {
  reportLoss: { from: [1, 2, 3], to: 6, action: 'report-loss', event: 'obu-loss-reported', verb: 'report it lost' },
  cancelLoss: { from: [6], to: 1, action: 'cancel-loss', event: 'obu-loss-cancelled', verb: 'cancel a loss report' },
  suspendWithObu: { from: [1], to: 2, action: 'suspend', event: 'obu-suspended', verb: 'suspend it' },
  suspendWithoutObu: { from: [1], to: 3, action: 'suspend', event: 'obu-suspended', verb: 'suspend it' },
  resume: { from: [2, 3], to: 1, action: 'resume', event: 'obu-resumed', verb: 'resume it' },
  cancelWithObu: {
    from: [1, 2],
    to: 4,
    action: 'cancel',
    event: 'obu-cancelled',
    verb: 'cancel it with the OBU in hand',
  },
  cancelWithoutObu: { from: [1, 2, 3, 6], to: 5, action: 'cancel', event: 'obu-cancelled', verb: 'cancel it' },
} as const;

export type ObuTransition = keyof typeof TRANSITIONS;

export async function changeObuStatus(
  db: Knex,
  ctx: RequestContext,
  obuNo: string,
  transition: ObuTransition,
  reason: string,
): Promise<ObuView> {
  return inTransaction(db, async (trx) => {
    const t = TRANSITIONS[transition];
    const obu = await lockObu(trx, obuNo, ctx.actor);
    if (!(t.from as readonly number[]).includes(obu.status)) refuse(obu, t.verb);
    await record(trx, ctx, obu, obu.status, { action: t.action, event: t.event, toStatus: t.to, reason });
    return findObu(trx, obuNo);
  });
}

// A tamper (disassembly) report: the OBU stays issued but is flagged; the status list lists it
// until it is re-activated at the counter.
export async function reportTamper(db: Knex, ctx: RequestContext, obuNo: string, reason: string): Promise<ObuView> {
  return inTransaction(db, async (trx) => {
    const obu = await lockObu(trx, obuNo, ctx.actor);
    if (![1, 2].includes(obu.status)) refuse(obu, 'report tampering');
    if (obu.tamperedAt) refuse({ ...obu, statusName: 'already flagged as tampered' }, 'report tampering again');
    await trx('obus').where({ obu_no: obuNo }).update({ tampered_at: ctx.app.clock.now() });
    await record(trx, ctx, obu, obu.status, { action: 'tamper', event: 'obu-tampered', toStatus: obu.status, reason });
    return findObu(trx, obuNo);
  });
}

export async function replaceObu(
  db: Knex,
  ctx: RequestContext,
  obuNo: string,
  input: {
    reason: string;
    withObu: boolean;
    payment: { method: PaymentMethod };
    challenge?: string;
    vehicleChallenge?: string;
    newObuNo?: string;
  },
): Promise<IssuedObu & { predecessor: ObuView }> {
  return inTransaction(db, async (trx) => {
    const old = await lockObu(trx, obuNo, ctx.actor);
    if (![1, 2, 3, 6].includes(old.status)) refuse(old, 'replace it');
    if (input.withObu && ![1, 2].includes(old.status)) refuse(old, 'replace it with the OBU in hand');
    await record(trx, ctx, old, old.status, {
      action: 'replace',
      event: 'obu-replaced',
      toStatus: input.withObu ? 4 : 5,
      reason: input.reason,
    });
    const issued = await insertObu(
      trx,
      ctx,
      {
        customerId: old.customerId,
        vehicleId: old.vehicleId,
        payment: input.payment,
        challenge: input.challenge,
        vehicleChallenge: input.vehicleChallenge,
        obuNo: input.newObuNo,
      },
      old.obuNo,
    );
    return { ...issued, predecessor: await findObu(trx, obuNo) };
  });
}
