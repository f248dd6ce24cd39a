// Sending what the outbox holds. Rows are claimed in a short committed transaction and the sender is
// called with no transaction open (a slow gateway holds no lock); a claim lapses after five minutes,
// so a process that dies mid-send leaves the message to the next run: delivery is at-least-once.
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { AppContext } from '../../platform/http/context.ts';
import { usernamesByIds } from '../access/index.ts';
import { customerContacts, mask } from '../customers/index.ts';
import type { Channel } from './outbox.ts';
import { render } from './templates.ts';

export type OutgoingMessage = {
  id: bigint;
  channel: Channel;
  to: string; // the plain phone number, e-mail address or staff username: for the sender alone
  toMask: string;
  subject: string | null;
  text: string;
  template: string;
};

/** A channel adapter (SMS gateway, mail server). It throws when the message was not accepted. */
export interface NotificationSender {
  send(message: OutgoingMessage): Promise<void>;
}

/** The default sender: one JSON line per message in `<dir>/YYYY-MM-DD.jsonl`, recipient masked. */
export function fileSender(dir: string): NotificationSender {
  return {
    async send(m) {
      await mkdir(dir, { recursive: true });
      const line = { id: String(m.id), channel: m.channel, to: m.toMask, subject: m.subject, text: m.text };
      await appendFile(join(dir, `${new Date().toISOString().slice(0, 10)}.jsonl`), JSON.stringify(line) + '\n');
    },
  };
}

const senders = new WeakMap<AppContext, NotificationSender>();

/** Sets the sender of one application (a real adapter in production, a recording one in tests). */
export function useNotificationSender(app: AppContext, sender: NotificationSender): void {
  senders.set(app, sender);
}

const senderOf = (app: AppContext) => senders.get(app) ?? fileSender(join(app.config.dataDir, 'notifications'));

const CLAIM_MS = 5 * 60_000;
const MAX_ATTEMPTS = 10;

async function claim(db: Knex, now: Date, batch: number): Promise<Record<string, any>[]> {
  const r = await db.raw(
    `update notifications set claimed_until = ?, attempts = attempts + 1
      where id in (select id from notifications
                    where status = 'queued' and (claimed_until is null or claimed_until < ?)
                    order by id limit ? for update skip locked)
      returning *`,
    [new Date(now.getTime() + CLAIM_MS), now, batch],
  );
  return [...r.rows].sort((a, b) => Number(a.id) - Number(b.id));
}

// Each claimed row's address for its channel, or why there is none: customers and users looked up
// once for the whole batch.
async function addressesOf(
  app: AppContext,
  rows: Record<string, any>[],
): Promise<Map<unknown, string | { missing: string }>> {
  const ids = (kind: string, column: string) =>
    rows.filter((r) => r.recipient_kind === kind).map((r) => BigInt(r[column]));
  const customers = await customerContacts(app.db, app.keys.hsm, ids('customer', 'customer_id'));
  const users = await usernamesByIds(app.db, ids('user', 'user_id'));
  const addressOf = (row: Record<string, any>): string | { missing: string } => {
    if (row.recipient_kind === 'address')
      return app.keys.hsm.open('pii', Buffer.from(row.address_sealed)).toString('utf8');
    if (row.recipient_kind === 'user') return users.get(BigInt(row.user_id)) ?? { missing: 'no such user' };
    const contact = customers.get(BigInt(row.customer_id));
    if (!contact) return { missing: 'no such customer' };
    const to = row.channel === 'sms' ? contact.phone : contact.email;
    return to ?? { missing: row.channel === 'sms' ? 'no phone number on file' : 'no e-mail address on file' };
  };
  return new Map(rows.map((r) => [r.id, addressOf(r)]));
}

const settle = (db: Knex, id: unknown, fields: Record<string, unknown>) =>
  db('notifications')
    .where({ id, status: 'queued' })
    .update({ ...fields, claimed_until: null });

/** Sends queued messages until none is left to claim; returns the counts. */
export async function deliverNotifications(
  app: AppContext,
  opts: { batch?: number } = {},
): Promise<{ sent: number; undeliverable: number; failed: number }> {
  const sender = senderOf(app);
  const counts = { sent: 0, undeliverable: 0, failed: 0 };
  for (;;) {
    const rows = await claim(app.db, app.clock.now(), opts.batch ?? 100);
    if (!rows.length) return counts;
    const addresses = await addressesOf(app, rows);
    for (const row of rows) {
      const to = addresses.get(row.id)!;
      if (typeof to !== 'string') {
        await settle(app.db, row.id, { status: 'undeliverable', last_error: to.missing });
        counts.undeliverable++;
        continue;
      }
      const { subject, text } = render(row.template, row.channel, row.params);
      try {
        await sender.send({
          id: BigInt(row.id),
          channel: row.channel,
          to,
          toMask: mask(to),
          subject,
          text,
          template: row.template,
        });
      } catch (err) {
        // the sender's own words may hold the address: only its kind is kept
        const reason = `sender refused (${err instanceof Error ? err.name : 'error'})`;
        const giveUp = row.attempts >= MAX_ATTEMPTS;
        await app
          .db('notifications')
          .where({ id: row.id, status: 'queued' })
          .update(
            giveUp ? { status: 'undeliverable', last_error: reason, claimed_until: null } : { last_error: reason },
          );
        counts.failed++;
        continue;
      }
      await settle(app.db, row.id, { status: 'sent', sent_at: app.clock.now(), last_error: null });
      counts.sent++;
    }
  }
}
