// What a card and the terminals around it (branch terminal, lane PSAM) agree on without sharing keys.

export const TRANS_TYPE_LOAD = 0x02;
export const TRANS_TYPE_PURCHASE = 0x06;
export const TRANS_TYPE_CAPP_PURCHASE = 0x09;

export const MAX_BALANCE = 0xffff_ffff; // the purse register is 4 bytes unsigned
export const MAX_SEQ = 0xffff; // sequence registers are 2 bytes unsigned

/** The card's diversification factor: the BCD of the last 16 digits of the card number. */
export function cardSerial8(cardNo: string): Buffer {
  if (typeof cardNo !== 'string' || !/^[0-9]{20}$/.test(cardNo)) throw new Error('card number must be 20 digits');
  return Buffer.from(cardNo.slice(4), 'hex');
}

export const upperHex = (b: Buffer): string => b.toString('hex').toUpperCase();
