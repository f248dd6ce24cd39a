// Queuing a notification in the caller's transaction, once per dedupe key.
import type { Knex } from 'knex';
import type { KeyService } from '../keys/index.ts';
import { mask } from '../customers/index.ts';
import { hasTemplate } from './templates.ts';

export type Channel = 'sms' | 'email';
export type Recipient =
  | { kind: 'customer'; customerId: bigint | string }
  | { kind: 'user'; userId: bigint | string }
  | { kind: 'address'; address: string };

export type NotificationRequest = {
  channel: Channel;
  recipient: Recipient;
  template: string;
  // slot values; never PII (a ticket number, a date, an amount in yuan)
  params: Record<string, string>;
  dedupeKey: string;
};

export type NotificationView = {
  id: bigint;
  queuedAt: Date;
  channel: Channel;
  recipientKind: Recipient['kind'];
  recipientMask: string | null;
  template: string;
  params: Record<string, string>;
  status: 'queued' | 'sent' | 'undeliverable';
  sentAt: Date | null;
  lastError: string | null;
};

/** Queues a message unless one with the same dedupe key exists; `queued` says which happened. */
export async function queueNotification(
  trx: Knex,
  at: Date,
  req: NotificationRequest,
  keys?: Pick<KeyService, 'hsm'>,
): Promise<{ id: bigint; queued: boolean }> {
  if (!hasTemplate(req.template)) throw new Error(`no notification template ${req.template}`);
  const r = req.recipient;
  let address: { address_sealed: Buffer; address_mask: string } | null = null;
  if (r.kind === 'address') {
    // an address is PII: only a sealed form is stored
    if (!keys) throw new Error('queueing a message to an address needs the key service to seal it');
    const plain = r.address.trim();
    address = { address_sealed: keys.hsm.seal('pii', Buffer.from(plain, 'utf8')), address_mask: mask(plain) };
  }
  const inserted = await trx('notifications')
    .insert({
      queued_at: at,
      channel: req.channel,
      recipient_kind: r.kind,
      customer_id: r.kind === 'customer' ? BigInt(r.customerId) : null,
      user_id: r.kind === 'user' ? BigInt(r.userId) : null,
      address_sealed: address?.address_sealed ?? null,
      address_mask: address?.address_mask ?? null,
      template: req.template,
      params: JSON.stringify(req.params),
      dedupe_key: req.dedupeKey,
    })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  if (inserted.length) return { id: BigInt(inserted[0].id), queued: true };
  const had = await trx('notifications').where({ dedupe_key: req.dedupeKey }).first('id');
  return { id: BigInt(had.id), queued: false };
}

const toView = (r: Record<string, any>): NotificationView => ({
  id: BigInt(r.id),
  queuedAt: r.queued_at,
  channel: r.channel,
  recipientKind: r.recipient_kind,
  recipientMask: r.address_mask,
  template: r.template,
  params: r.params,
  status: r.status,
  sentAt: r.sent_at,
  lastError: r.last_error,
});

/** A customer's messages, newest first (the console's customer page). */
export async function notificationsOf(db: Knex, customerId: bigint, limit = 50): Promise<NotificationView[]> {
  const rows = await db('notifications').where({ customer_id: customerId }).orderBy('id', 'desc').limit(limit);
  return rows.map(toView);
}

/** Messages by dedupe key prefix, oldest first (what a module queued for one of its things). */
export async function notificationsByKeyPrefix(db: Knex, prefix: string): Promise<NotificationView[]> {
  const rows = await db('notifications')
    .whereLike('dedupe_key', `${prefix.replace(/[\\%_]/g, (c) => '\\' + c)}%`)
    .orderBy('id');
  return rows.map(toView);
}

/** Queues many messages to customers or staff users in one statement (a sweep's messages), each
 *  once per dedupe key; returns how many were new. Address recipients go through queueNotification. */
export async function queueNotifications(
  trx: Knex,
  at: Date,
  reqs: Array<NotificationRequest & { recipient: { kind: 'customer' | 'user' } & Recipient }>,
): Promise<number> {
  let queued = 0;
  for (let i = 0; i < reqs.length; i += 2000) {
    const rows = reqs.slice(i, i + 2000).map((req) => {
      if (!hasTemplate(req.template)) throw new Error(`no notification template ${req.template}`);
      const r = req.recipient as Extract<Recipient, { kind: 'customer' | 'user' }>;
      return {
        queued_at: at,
        channel: req.channel,
        recipient_kind: r.kind,
        customer_id: r.kind === 'customer' ? BigInt(r.customerId) : null,
        user_id: r.kind === 'user' ? BigInt(r.userId) : null,
        template: req.template,
        params: JSON.stringify(req.params),
        dedupe_key: req.dedupeKey,
      };
    });
    queued += (await trx('notifications').insert(rows).onConflict('dedupe_key').ignore().returning('id')).length;
  }
  return queued;
}
