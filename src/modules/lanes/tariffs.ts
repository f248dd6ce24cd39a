// Tariff administration: new toll versions and own-card discount rates, each taking effect on a
// future day. Nothing in force today or before is ever edited, so a trip always re-prices the same
// (and ingest may cache a past day's tariff for good).
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { localDate } from '../../platform/clock/clock.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError, invalid } from '../../platform/http/errors.ts';
import { OWN_CARD } from './discount.ts';
import { invalidateTariffCache } from './pricing.ts';

export type NewTariff = {
  effectiveFrom: string;
  reason: string;
  tolls: Array<{ sectionId: string; vehicleClass: number; toll: bigint }>;
};
export type TariffVersion = {
  effectiveFrom: string;
  tolls: number;
  reason: string | null;
  createdBy: string | null;
  createdAt: Date | null;
};
export type DiscountRate = {
  kind: string;
  effectiveFrom: string;
  percent: string;
  reason: string;
  createdBy: string;
  createdAt: Date;
};

function mustBeFuture(ctx: RequestContext, effectiveFrom: string): void {
  const today = localDate(ctx.app.clock.now());
  if (effectiveFrom <= today) {
    throw new AppError(
      'tariff-date-passed',
      `effectiveFrom must be after today (${today}): tolls in force on a day that has begun are never changed`,
      'effectiveFrom',
    );
  }
}

export async function addTariffVersion(db: Knex, ctx: RequestContext, input: NewTariff): Promise<TariffVersion> {
  mustBeFuture(ctx, input.effectiveFrom);
  const seen = new Set<string>();
  input.tolls.forEach((t, i) => {
    const key = `${t.sectionId}|${t.vehicleClass}`;
    if (seen.has(key)) throw invalid(`tolls[${i}]`, `${t.sectionId} class ${t.vehicleClass} is listed twice`);
    seen.add(key);
  });
  const version = await inTransaction(db, async (trx) => {
    const known = new Set<string>(
      await trx('sections')
        .whereIn('id', [...new Set(input.tolls.map((t) => t.sectionId))])
        .pluck('id'),
    );
    input.tolls.forEach((t, i) => {
      if (!known.has(t.sectionId)) throw invalid(`tolls[${i}].sectionId`, `no section ${t.sectionId}`);
    });
    const existing = await trx('section_tolls').where({ effective_from: input.effectiveFrom }).first('section_id');
    if (existing)
      throw new AppError(
        'tariff-version-exists',
        `a tariff version already takes effect on ${input.effectiveFrom}; versions are added, never edited`,
      );
    const at = ctx.app.clock.now();
    const actor = actorLabel(ctx.actor);
    try {
      await trx('tariff_versions').insert({
        effective_from: input.effectiveFrom,
        tolls: input.tolls.length,
        reason: input.reason,
        created_by: actor,
        created_at: at,
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AppError('tariff-version-exists', `a tariff version already takes effect on ${input.effectiveFrom}`);
      throw err;
    }
    await trx('section_tolls').insert(
      input.tolls.map((t) => ({
        section_id: t.sectionId,
        vehicle_class: t.vehicleClass,
        effective_from: input.effectiveFrom,
        toll: t.toll.toString(),
        created_at: at,
      })),
    );
    await audit(trx, ctx, {
      action: 'tariff.add-version',
      entity: 'tariff',
      entityId: input.effectiveFrom,
      detail: { tolls: input.tolls.length, reason: input.reason },
    });
    return {
      effectiveFrom: input.effectiveFrom,
      tolls: input.tolls.length,
      reason: input.reason,
      createdBy: actor,
      createdAt: at,
    };
  });
  invalidateTariffCache(db);
  return version;
}

export async function listTariffVersions(db: Knex): Promise<TariffVersion[]> {
  const rows = await db('section_tolls as t')
    .leftJoin('tariff_versions as v', 'v.effective_from', 't.effective_from')
    .groupBy('t.effective_from', 'v.reason', 'v.created_by', 'v.created_at')
    .orderBy('t.effective_from')
    .select('t.effective_from', db.raw('count(*)::int as tolls'), 'v.reason', 'v.created_by', 'v.created_at');
  return rows.map((r: Record<string, any>) => ({
    effectiveFrom: r.effective_from,
    tolls: Number(r.tolls),
    reason: r.reason ?? null,
    createdBy: r.created_by ?? null,
    createdAt: r.created_at ?? null,
  }));
}

export async function addDiscountRate(
  db: Knex,
  ctx: RequestContext,
  input: { effectiveFrom: string; percent: string; reason: string },
): Promise<DiscountRate> {
  mustBeFuture(ctx, input.effectiveFrom);
  const rate = await inTransaction(db, async (trx) => {
    const at = ctx.app.clock.now();
    const actor = actorLabel(ctx.actor);
    const [row] = await trx('discount_rates')
      .insert({
        kind: OWN_CARD,
        effective_from: input.effectiveFrom,
        percent: input.percent,
        reason: input.reason,
        created_by: actor,
        created_at: at,
      })
      .onConflict(['kind', 'effective_from'])
      .ignore()
      .returning('*');
    if (!row)
      throw new AppError(
        'tariff-version-exists',
        `an own-card discount already takes effect on ${input.effectiveFrom}`,
      );
    await audit(trx, ctx, {
      action: 'tariff.add-discount',
      entity: 'discount',
      entityId: `${OWN_CARD}:${input.effectiveFrom}`,
      detail: { percent: input.percent, reason: input.reason },
    });
    return toRate(row);
  });
  invalidateTariffCache(db);
  return rate;
}

const toRate = (r: Record<string, any>): DiscountRate => ({
  kind: r.kind,
  effectiveFrom: r.effective_from,
  percent: String(r.percent),
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export async function listDiscountRates(db: Knex): Promise<DiscountRate[]> {
  return (await db('discount_rates').orderBy(['kind', 'effective_from'])).map(toRate);
}
