// The service desk's messages, through the notifications outbox (queued in the caller's transaction,
// once per dedupe key). Params are never PII: ticket numbers, times, reasons.
import type { Knex } from 'knex';
import type { KeyService } from '../keys/index.ts';
import { queueNotification, registerTemplates, type Recipient } from '../notifications/index.ts';

registerTemplates({
  'servicedesk.ack': {
    sms: '您的诉求已受理，工单号{ticketNo}，我们将于{replyBy}前答复您。',
    email: {
      subject: '诉求受理通知 {ticketNo}',
      body: '您的诉求已受理，工单号{ticketNo}，我们将于{replyBy}前答复您。',
    },
  },
  'servicedesk.resolved': {
    sms: '工单{ticketNo}已处理完毕，请确认处理结果；如有异议请回复或致电客服。',
  },
  'servicedesk.escalation': {
    sms: '工单{ticketNo}的{clock}时限{level}，时限{dueAt}，请及时处理。',
    email: {
      subject: '工单时限提醒 {ticketNo}',
      body: '工单{ticketNo}的{clock}时限{level}，时限{dueAt}，请及时处理。',
    },
  },
});

export type SdRecipient = Recipient;

export const send = (
  trx: Knex,
  at: Date,
  channel: 'sms' | 'email',
  recipient: Recipient,
  template: string,
  params: Record<string, string>,
  dedupeKey: string,
  keys?: Pick<KeyService, 'hsm'>,
) => queueNotification(trx, at, { channel, recipient, template, params, dedupeKey }, keys);

const LOCAL = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
export const localTime = (d: Date) => LOCAL.format(d);
