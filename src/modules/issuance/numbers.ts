// Card and OBU numbers. Card: network id (4) ‖ serial (16) where serial = issue year (2) ‖ card
// type (2) ‖ sequence (12). OBU contract serial: network id (4) ‖ issue year (2) ‖ sequence (10).
// Sequences never repeat, and the primary keys make a collision impossible to store.
import type { Knex } from 'knex';

export async function nextCardNo(trx: Knex, network: string, cardType: 22 | 23, localDay: string): Promise<string> {
  const { rows } = await trx.raw(`select nextval('card_serial_seq') as n`);
  const seq = String(rows[0].n).padStart(12, '0');
  return `${network}${localDay.slice(2, 4)}${cardType}${seq}`;
}

export async function nextObuNo(trx: Knex, network: string, localDay: string): Promise<string> {
  const { rows } = await trx.raw(`select nextval('obu_serial_seq') as n`);
  return `${network}${localDay.slice(2, 4)}${String(rows[0].n).padStart(10, '0')}`;
}

// The card's internal serial (file 0015 bytes 12–19, BCD) is the key diversification factor.
export function serial8(mediumNo: string): Buffer {
  return Buffer.from(mediumNo.slice(-16), 'hex');
}
