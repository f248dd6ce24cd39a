// User-card personalisation files written at the service-hall counter: 0015 (issuance data)
// and 0016 (cardholder). Layouts follow ETC-REFERENCE §4; code tables follow §5.
// OBU files live in obu-files.ts; the byte-level codecs in bcd-gbk.ts.
import {
  ascii,
  bcd,
  calendarDate,
  digitString,
  expectLength,
  field,
  fromAscii,
  fromBcd,
  fromGbk,
  gbk,
  toHex,
  uint,
} from './bcd-gbk.ts';

export { bcd, fromBcd, gbk, fromGbk, toHex } from './bcd-gbk.ts';
import { PLATE_COLOURS, VEHICLE_CATEGORIES as USER_TYPES, VEHICLE_CLASSES } from '../codes.ts';
import { CARD_TYPE } from '../codes.ts';

/**
 * Network id → the name whose GBK bytes form the 8-byte issuer id in 0015 and OBU EF01.
 * Two-character names are written twice; 上海 cards carry the four characters 上海公路 once.
 * Only networks whose issuer id we have seen in public material are listed: 4601 (Hainan)
 * and 5401 (Tibet) are left out rather than guessed. Note Heilongjiang uses 龙江, not 黑龙.
 */
export const ISSUER_IDS: Readonly<Record<string, string>> = Object.freeze({
  '1101': '北京',
  '1201': '天津',
  '1301': '河北',
  '1401': '山西',
  '1501': '内蒙',
  '2101': '辽宁',
  '2201': '吉林',
  '2301': '龙江',
  '3101': '上海公路',
  '3201': '江苏',
  '3301': '浙江',
  '3401': '安徽',
  '3501': '福建',
  '3601': '江西',
  '3701': '山东',
  '4101': '河南',
  '4201': '湖北',
  '4301': '湖南',
  '4401': '广东',
  '4501': '广西',
  '5001': '重庆',
  '5101': '四川',
  '5201': '贵州',
  '5301': '云南',
  '6101': '陕西',
  '6201': '甘肃',
  '6301': '青海',
  '6401': '宁夏',
  '6501': '新疆',
});

/** The 8-byte issuer id (contract provider) for a network, e.g. 3401 → B0B2BBD5B0B2BBD5. */
export function issuerId(network: string): Buffer {
  const name = Object.hasOwn(ISSUER_IDS, network) ? ISSUER_IDS[network] : undefined;
  if (name === undefined) throw new Error(`network: unknown network id "${network}"`);
  // Every name is CJK, two GBK bytes per character: two characters fill half the field.
  if (name.length === 2) return Buffer.concat([gbk(name, 4), gbk(name, 4)]);
  return gbk(name, 8);
}

// The code tables are the shared national ones; USER_TYPES is the card file's name for categories.
export { VEHICLE_CLASSES, PLATE_COLOURS, VEHICLE_CATEGORIES as USER_TYPES } from '../codes.ts';

export function checkCode(name: string, value: number, table: ReadonlySet<number>): number {
  if (!Number.isInteger(value) || !table.has(value)) {
    throw new Error(`${name}: ${value} is not one of ${[...table].join(', ')}`);
  }
  return value;
}

/** Card type 22 (stored-value) / 23 (debit-account); on the card the byte is the same number. */
export type CardType = 22 | 23;

export const CARD_ISSUANCE_LENGTH = 43;
export const CARDHOLDER_LENGTH = 55;
export const DEFAULT_CARD_VERSION = 0x40;

export type CardIssuanceInput = {
  network: string;
  cardType: CardType;
  cardVersion?: number;
  serial: string; // 16 digits
  startDate: string; // YYYYMMDD
  expiryDate: string; // YYYYMMDD
  plate: string;
  userType: number;
  plateColor: number;
  vehicleClass: number;
};

export type CardIssuance = Required<CardIssuanceInput> & {
  /** The raw issuer id as upper-case hex, for inspecting cards from other networks. */
  issuerIdHex: string;
};

function checkCardType(value: number): CardType {
  if (value !== CARD_TYPE.storedValue && value !== CARD_TYPE.debit)
    throw new Error(`cardType: expected 22 or 23, got ${value}`);
  return value;
}

/** Validates dates as a pair: an expiry before the start would make the card dead on issue. */
export function checkDateRange(startName: string, start: string, endName: string, end: string): void {
  calendarDate(startName, start);
  calendarDate(endName, end);
  if (end < start) throw new Error(`${endName}: ${end} is before ${startName} ${start}`);
}

export function checkPlate(name: string, plate: string): void {
  if (typeof plate !== 'string' || plate.trim() === '') throw new Error(`${name}: must not be empty`);
}

/** File 0015, 43 bytes. */
export function encodeCardIssuance(input: CardIssuanceInput): Buffer {
  const network = digitString('network', input.network, 4);
  const issuer = issuerId(network);
  const cardType = checkCardType(input.cardType);
  const cardVersion = uint('cardVersion', input.cardVersion ?? DEFAULT_CARD_VERSION, 1);
  const serial = digitString('serial', input.serial, 16);
  checkDateRange('startDate', input.startDate, 'expiryDate', input.expiryDate);
  checkPlate('plate', input.plate);
  const userType = checkCode('userType', input.userType, USER_TYPES);
  const plateColor = checkCode('plateColor', input.plateColor, PLATE_COLOURS);
  const vehicleClass = checkCode('vehicleClass', input.vehicleClass, VEHICLE_CLASSES);

  const out = Buffer.alloc(CARD_ISSUANCE_LENGTH);
  issuer.copy(out, 0);
  out[8] = cardType;
  out[9] = cardVersion;
  bcd(network, 2).copy(out, 10);
  bcd(serial, 8).copy(out, 12);
  bcd(input.startDate, 4).copy(out, 20);
  bcd(input.expiryDate, 4).copy(out, 24);
  field('plate', () => gbk(input.plate, 12)).copy(out, 28);
  out[40] = userType;
  out[41] = plateColor;
  out[42] = vehicleClass;
  return out;
}

/**
 * Reads 0015 back. Structure (length, BCD, card type) is enforced; code values are returned
 * as found, since a card issued elsewhere or under older tables must still be inspectable.
 */
export function decodeCardIssuance(buf: Uint8Array): CardIssuance {
  const b = expectLength('file 0015', buf, CARD_ISSUANCE_LENGTH);
  return {
    network: field('network', () => fromBcd(b.subarray(10, 12))),
    cardType: checkCardType(b[8]),
    cardVersion: b[9],
    serial: field('serial', () => fromBcd(b.subarray(12, 20))),
    startDate: field('startDate', () => fromBcd(b.subarray(20, 24))),
    expiryDate: field('expiryDate', () => fromBcd(b.subarray(24, 28))),
    plate: fromGbk(b.subarray(28, 40)),
    userType: b[40],
    plateColor: b[41],
    vehicleClass: b[42],
    issuerIdHex: toHex(b.subarray(0, 8)),
  };
}

export type Cardholder = {
  holderFlag: number;
  staffFlag: number;
  name: string;
  idNumber: string;
  idType: number;
};

/** File 0016, 55 bytes: holder flag 1 | staff flag 1 | name 20 GBK | id number 32 ASCII | id type 1. */
export function encodeCardholder(input: Cardholder): Buffer {
  const holderFlag = uint('holderFlag', input.holderFlag, 1);
  const staffFlag = uint('staffFlag', input.staffFlag, 1);
  const name = field('name', () => gbk(input.name, 20));
  const idNumber = field('idNumber', () => ascii(input.idNumber, 32));
  const idType = uint('idType', input.idType, 1);

  const out = Buffer.alloc(CARDHOLDER_LENGTH);
  out[0] = holderFlag;
  out[1] = staffFlag;
  name.copy(out, 2);
  idNumber.copy(out, 22);
  out[54] = idType;
  return out;
}

export function decodeCardholder(buf: Uint8Array): Cardholder {
  const b = expectLength('file 0016', buf, CARDHOLDER_LENGTH);
  return {
    holderFlag: b[0],
    staffFlag: b[1],
    name: fromGbk(b.subarray(2, 22)),
    idNumber: fromAscii(b.subarray(22, 54)),
    idType: b[54],
  };
}
