// Customers: opening (with their account), changes, tier and hold, search, and the audited
// full view of PII. Every change writes a customer_events row (masks only) and an audit row.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { actorLabel, type Actor, type RequestContext } from '../../platform/http/context.ts';
import { AppError, invalid } from '../../platform/http/errors.ts';
import { CONTROL_CHARACTER } from '../../platform/http/schemas.ts';
import { mediaFacts } from './media.ts';
import { accountBalance, getAccountOfCustomer, openAccount, type AccountTerms } from './accounts.ts';
import { isIdType } from './codes.ts';
import {
  checkIdNumber,
  checkPhone,
  checkRegistrationNumber,
  normaliseIdNumber,
  normalisePhone,
  openPii,
  sealPii,
} from './pii.ts';
import {
  customerEvents,
  customerRow,
  insertCustomerEvent,
  searchCustomers,
  toCustomer,
  vehiclesOf,
  type AccountView,
  type CustomerEventView,
  type CustomerView,
  type Scope,
  type SearchCriteria,
  type VehicleView,
} from './repository.ts';
import { normalisePlate } from './vehicle-rules.ts';

type Opening = { address?: string | null; account?: { kind: 'prepaid' | 'debit'; creditLimit?: bigint } };
export type PersonalInput = Opening & {
  kind: 'personal';
  name: string;
  idType: number;
  idNumber: string;
  phone: string;
};
export type CorporateInput = Opening & {
  kind: 'corporate';
  name: string;
  registrationNumber: string;
  contactPerson: string;
  contactPhone: string;
  accountManager?: string | null;
};
export type CustomerPatch = {
  name?: string;
  phone?: string;
  contactPhone?: string;
  address?: string | null;
  contactPerson?: string;
  accountManager?: string | null;
  reason?: string;
};

// A bank client acts only on the customers it opened (DESIGN §9); staff see every customer. Any
// machine client is scoped, not only banks: should a route ever admit a lane or a province here, it
// would see only what it opened itself (nothing), never every customer.
export function scopeOf(actor: Actor): Scope {
  return actor.kind === 'client' ? { openedBy: actorLabel(actor) } : null;
}

// Whether a customer is within a caller's scope (the rule above), for the media and money of
// other modules that are visible through their customer.
export async function customerInScope(db: Knex, customerId: bigint, scope: Scope): Promise<boolean> {
  return scope === null || (await customerRow(db, customerId, { scope })) !== undefined;
}

// A name, an address, a contact: one line of a receipt, a statement or an export, so no control
// character (a tab or a line break would break the line; the bank channel sends these too).
function oneLine(field: string, s: string): string {
  if (CONTROL_CHARACTER.test(s)) throw invalid(field, 'control characters are not allowed');
  return s;
}

const text = (field: string, s: string | null | undefined): string | null =>
  s == null || s.trim() === '' ? null : oneLine(field, s.trim());

function checkName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 100) throw invalid('name', 'must be 1-100 characters');
  return oneLine('name', name);
}

// A credit limit is the centre lending money: only a supervisor grants one.
function accountTerms(actor: Actor, a: Opening['account'], ceiling: bigint): AccountTerms {
  const kind = a?.kind ?? 'prepaid';
  const creditLimit = a?.creditLimit ?? 0n;
  if (creditLimit < 0n) throw invalid('account.creditLimit', 'must not be negative');
  if (kind === 'prepaid' && creditLimit !== 0n)
    throw invalid('account.creditLimit', 'a prepaid account has no credit limit');
  if (creditLimit > ceiling)
    throw new AppError('amount-out-of-range', `must not exceed ${ceiling} fen`, 'account.creditLimit');
  if (creditLimit > 0n && actor.role !== 'supervisor')
    throw new AppError('forbidden', 'only a supervisor may grant a credit limit', 'account.creditLimit');
  return { kind, creditLimit };
}

async function loadForUpdate(trx: Knex.Transaction, id: bigint, scope: Scope): Promise<Record<string, any>> {
  const row = await customerRow(trx, id, { scope, forUpdate: true });
  if (!row) throw new AppError('customer-not-found', `no customer ${id}`);
  return row;
}

export async function createCustomer(
  db: Knex,
  ctx: RequestContext,
  input: PersonalInput | CorporateInput,
): Promise<{ customer: CustomerView; account: AccountView }> {
  const hsm = ctx.app.keys.hsm;
  const name = checkName(input.name);
  const terms = accountTerms(ctx.actor, input.account, ctx.app.config.money.creditLimitCeiling);
  const common = { kind: input.kind, name, address: text('address', input.address) };
  let columns: Record<string, unknown>;
  if (input.kind === 'personal') {
    if (!isIdType(input.idType)) throw invalid('idType', 'must be 1, 2, 3, 4, 5 or 9');
    const id = sealPii(hsm, checkIdNumber(input.idType, input.idNumber));
    const phone = sealPii(hsm, checkPhone(input.phone));
    columns = {
      ...common,
      id_type: input.idType,
      id_number_sealed: id.sealed,
      id_number_hash: id.index,
      id_number_mask: id.mask,
      phone_sealed: phone.sealed,
      phone_hash: phone.index,
      phone_mask: phone.mask,
    };
  } else {
    const contactPerson = text('contactPerson', input.contactPerson);
    if (!contactPerson || contactPerson.length > 50) throw invalid('contactPerson', 'must be 1-50 characters');
    const phone = sealPii(hsm, checkPhone(input.contactPhone, 'contactPhone'));
    columns = {
      ...common,
      registration_number: checkRegistrationNumber(input.registrationNumber),
      contact_person: contactPerson,
      account_manager: text('accountManager', input.accountManager),
      phone_sealed: phone.sealed,
      phone_hash: phone.index,
      phone_mask: phone.mask,
    };
  }
  return inTransaction(db, async (trx) => {
    const now = ctx.app.clock.now();
    let row: Record<string, any>;
    try {
      [row] = await trx('customers')
        .insert({ ...columns, opened_by: actorLabel(ctx.actor), created_at: now, updated_at: now })
        .returning('*');
    } catch (err) {
      if (isUniqueViolation(err, 'customers_id_number_uq'))
        throw new AppError('duplicate-id-number', 'a customer with this ID type and number exists already', 'idNumber');
      if (isUniqueViolation(err, 'customers_registration_uq'))
        throw new AppError(
          'duplicate-registration-number',
          'a corporate customer with this registration number exists already',
          'registrationNumber',
        );
      throw err;
    }
    const customer = toCustomer(row);
    const account = await openAccount(trx, customer.id, terms, now);
    await insertCustomerEvent(trx, {
      customerId: customer.id,
      at: now,
      actor: actorLabel(ctx.actor),
      action: 'customer.create',
      changes: {
        ...maskedSnapshot(customer),
        accountId: account.id,
        accountKind: account.kind,
        creditLimit: account.creditLimit,
      },
    });
    await audit(trx, ctx, {
      action: 'customer.create',
      entity: 'customer',
      entityId: customer.id,
      detail: {
        kind: customer.kind,
        accountId: account.id,
        accountKind: account.kind,
        creditLimit: account.creditLimit,
      },
    });
    return { customer, account };
  });
}

const maskedSnapshot = (c: CustomerView) => ({
  kind: c.kind,
  name: c.name,
  idType: c.idType,
  idNumber: c.idNumberMask,
  phone: c.phoneMask,
  registrationNumber: c.registrationNumber,
  contactPerson: c.contactPerson,
  accountManager: c.accountManager,
  address: c.address,
});

export async function getCustomer(db: Knex, id: bigint, scope: Scope = null): Promise<CustomerView> {
  const row = await customerRow(db, id, { scope });
  if (!row) throw new AppError('customer-not-found', `no customer ${id}`);
  return toCustomer(row);
}

export type CustomerDetail = {
  customer: CustomerView;
  vehicles: VehicleView[];
  account: AccountView & { balance: bigint };
};

// The default view of one customer: masked, with its vehicles and its account's balance.
export async function customerDetail(db: Knex, scope: Scope, id: bigint): Promise<CustomerDetail> {
  const customer = await getCustomer(db, id, scope);
  const account = await getAccountOfCustomer(db, id);
  return {
    customer,
    vehicles: await vehiclesOf(db, id),
    account: { ...account, balance: await accountBalance(db, account.id) },
  };
}

export async function customerHistory(db: Knex, scope: Scope, id: bigint): Promise<CustomerEventView[]> {
  await getCustomer(db, id, scope);
  return customerEvents(db, id);
}

// Applies contact and address changes. Each changed field is recorded as from → to; phones
// only by their masks. Fields that do not belong to the customer's kind are refused.
export async function updateCustomer(
  db: Knex,
  ctx: RequestContext,
  id: bigint,
  patch: CustomerPatch,
): Promise<CustomerView> {
  const fields = Object.keys(patch).filter((k) => k !== 'reason' && patch[k as keyof CustomerPatch] !== undefined);
  if (fields.length === 0) throw invalid('body', 'nothing to change');
  return inTransaction(db, async (trx) => {
    const row = await loadForUpdate(trx, id, scopeOf(ctx.actor));
    const own =
      row.kind === 'personal'
        ? ['name', 'phone', 'address']
        : ['name', 'contactPhone', 'address', 'contactPerson', 'accountManager'];
    const foreign = fields.find((f) => !own.includes(f));
    if (foreign) throw invalid(foreign, `not a field of a ${row.kind} customer`);
    const set: Record<string, unknown> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const change = (field: string, column: string, to: unknown, from: unknown = row[column]) => {
      if (to === from) return;
      set[column] = to;
      changes[field] = { from, to };
    };
    if (patch.name !== undefined) change('name', 'name', checkName(patch.name));
    if (patch.address !== undefined) change('address', 'address', text('address', patch.address));
    if (patch.contactPerson !== undefined) {
      const cp = text('contactPerson', patch.contactPerson);
      if (!cp || cp.length > 50) throw invalid('contactPerson', 'must be 1-50 characters');
      change('contactPerson', 'contact_person', cp);
    }
    if (patch.accountManager !== undefined)
      change('accountManager', 'account_manager', text('accountManager', patch.accountManager));
    const newPhone = patch.phone ?? patch.contactPhone;
    if (newPhone !== undefined) {
      const field = patch.phone !== undefined ? 'phone' : 'contactPhone';
      const phone = checkPhone(newPhone, field);
      if (openPii(ctx.app.keys.hsm, row.phone_sealed) !== phone) {
        const s = sealPii(ctx.app.keys.hsm, phone);
        Object.assign(set, { phone_sealed: s.sealed, phone_hash: s.index, phone_mask: s.mask });
        changes[field] = { from: row.phone_mask, to: s.mask };
      }
    }
    if (Object.keys(changes).length === 0) return toCustomer(row);
    const now = ctx.app.clock.now();
    const [updated] = await trx('customers')
      .where({ id })
      .update({ ...set, updated_at: now })
      .returning('*');
    await recordChange(trx, ctx, id, now, 'customer.update', patch.reason ?? null, changes);
    return toCustomer(updated);
  });
}

async function recordChange(
  trx: Knex.Transaction,
  ctx: RequestContext,
  id: bigint,
  at: Date,
  action: string,
  reason: string | null,
  changes: Record<string, unknown>,
) {
  await insertCustomerEvent(trx, { customerId: id, at, actor: actorLabel(ctx.actor), action, reason, changes });
  await audit(trx, ctx, { action, entity: 'customer', entityId: id, detail: { reason, changes } });
}

// Tier and hold are supervisors' decisions (the route says who); each needs a reason.
async function setFlag(
  db: Knex,
  ctx: RequestContext,
  id: bigint,
  action: string,
  field: string,
  column: string,
  to: unknown,
  reason: string,
): Promise<CustomerView> {
  return inTransaction(db, async (trx) => {
    const row = await loadForUpdate(trx, id, scopeOf(ctx.actor));
    if (row[column] === to) return toCustomer(row);
    const now = ctx.app.clock.now();
    const [updated] = await trx('customers')
      .where({ id })
      .update({ [column]: to, updated_at: now })
      .returning('*');
    await recordChange(trx, ctx, id, now, action, reason, { [field]: { from: row[column], to } });
    return toCustomer(updated);
  });
}

export const setTier = (db: Knex, ctx: RequestContext, id: bigint, tier: 'important' | 'ordinary', reason: string) =>
  setFlag(db, ctx, id, 'customer.tier', 'tier', 'tier', tier, reason);

export const setHold = (db: Knex, ctx: RequestContext, id: bigint, hold: boolean, reason: string) =>
  setFlag(db, ctx, id, 'customer.hold', 'holdAutoList', 'hold_auto_list', hold, reason);

export type PiiView = {
  customerId: bigint;
  idType: number | null;
  idNumber: string | null;
  phone: string | null;
  registrationNumber: string | null;
};

// The full view: opens the sealed values and records who looked, why, and from where.
export async function viewPii(db: Knex, ctx: RequestContext, id: bigint, reason: string): Promise<PiiView> {
  return inTransaction(db, async (trx) => {
    const row = await customerRow(trx, id, { scope: scopeOf(ctx.actor) });
    if (!row) throw new AppError('customer-not-found', `no customer ${id}`);
    const hsm = ctx.app.keys.hsm;
    const view: PiiView = {
      customerId: id,
      idType: row.id_type,
      idNumber: openPii(hsm, row.id_number_sealed),
      phone: openPii(hsm, row.phone_sealed),
      registrationNumber: row.registration_number,
    };
    await audit(trx, ctx, {
      action: 'customer.pii-view',
      entity: 'customer',
      entityId: id,
      detail: { reason, fields: ['idNumber', 'phone'].filter((f) => view[f as keyof PiiView] !== null) },
    });
    return view;
  });
}

// What card file 0016 needs. Corporate customers have no ID document: the organisation's
// registration number is written with type 9 (other), the project's choice until the card
// specification says otherwise.
export async function cardholderForPersonalisation(
  db: Knex,
  ctx: RequestContext,
  customerId: bigint,
): Promise<{ name: string; idType: number; idNumber: string }> {
  return inTransaction(db, async (trx) => {
    const row = await customerRow(trx, customerId);
    if (!row) throw new AppError('customer-not-found', `no customer ${customerId}`);
    const holder =
      row.kind === 'personal'
        ? {
            name: row.name as string,
            idType: row.id_type as number,
            idNumber: openPii(ctx.app.keys.hsm, row.id_number_sealed) ?? '',
          }
        : { name: row.name as string, idType: 9, idNumber: row.registration_number as string };
    await audit(trx, ctx, {
      action: 'customer.pii-view',
      entity: 'customer',
      entityId: customerId,
      detail: { reason: 'card personalisation', fields: row.kind === 'personal' ? ['idNumber'] : [] },
    });
    return holder;
  });
}

export type SearchQuery = {
  name?: string;
  plate?: string;
  cardNo?: string;
  idNumber?: string;
  phone?: string;
  limit: number;
  offset: number;
};

export async function findCustomers(db: Knex, ctx: RequestContext, q: SearchQuery): Promise<CustomerView[]> {
  const hsm = ctx.app.keys.hsm;
  const c: SearchCriteria = {};
  if (q.name !== undefined) c.namePrefix = q.name.trim();
  if (q.plate !== undefined) c.plate = normalisePlate(q.plate);
  if (q.idNumber !== undefined) c.idNumberIndex = hsm.piiIndex(normaliseIdNumber(q.idNumber));
  if (q.phone !== undefined) c.phoneIndex = hsm.piiIndex(normalisePhone(q.phone));
  if (q.cardNo !== undefined) {
    const owner = await mediaFacts().customerIdOfCard(db, q.cardNo);
    if (owner === null) return [];
    c.customerIds = [owner];
  }
  if (Object.keys(c).length === 0) throw invalid('query', 'give at least one of name, plate, cardNo, idNumber, phone');
  return (await searchCustomers(db, c, scopeOf(ctx.actor), q.limit, q.offset)).map(toCustomer);
}
