// The credit rules' settings (one row, migration 0120): payment terms, grace before arrears, and the
// share of the limit kept on a downgrade.
import type { Knex } from 'knex';

export type CreditSettings = { termsDays: number; graceDays: number; downgradePct: number };

export async function creditSettings(db: Knex): Promise<CreditSettings> {
  const r = await db('credit_settings').where({ id: 1 }).first();
  return { termsDays: r.terms_days, graceDays: r.grace_days, downgradePct: r.downgrade_pct };
}
