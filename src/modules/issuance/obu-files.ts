// OBU personalisation files written at the counter: system information (MF EF01) and
// vehicle information (DF01 EF01). Layouts follow ETC-REFERENCE §4.
import {
  ascii,
  bcd,
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
import {
  checkCode,
  checkDateRange,
  checkPlate,
  issuerId,
  PLATE_COLOURS,
  USER_TYPES,
  VEHICLE_CLASSES,
} from './card-files.ts';

/**
 * Byte written at EF01 offset 26 (tamper/disassembly flag). The reference marks the value
 * set as uncertain, so this is the single place to change once the OBU vendor confirms it.
 */
export const OBU_TAMPER_FLAG = Object.freeze({ activated: 0x01, notActivated: 0x00 });

export const OBU_SYSTEM_INFO_LENGTH = 99;
export const OBU_VEHICLE_INFO_LENGTH = 79;

export type ObuSystemInfoInput = {
  network: string;
  contractType: number;
  contractVersion: number;
  contractSerial: string; // 16 digits, starting with the network id
  signedDate: string; // YYYYMMDD
  expiryDate: string; // YYYYMMDD
  activated: boolean;
};

export type ObuSystemInfo = ObuSystemInfoInput & { issuerIdHex: string };

/** MF EF01, 99 bytes of which the first 27 are used; the rest stays 00. */
export function encodeObuSystemInfo(input: ObuSystemInfoInput): Buffer {
  const network = digitString('network', input.network, 4);
  const provider = issuerId(network);
  const contractType = uint('contractType', input.contractType, 1);
  const contractVersion = uint('contractVersion', input.contractVersion, 1);
  const serial = digitString('contractSerial', input.contractSerial, 16);
  if (!serial.startsWith(network)) {
    throw new Error(`contractSerial: ${serial} does not start with network id ${network}`);
  }
  checkDateRange('signedDate', input.signedDate, 'expiryDate', input.expiryDate);
  if (typeof input.activated !== 'boolean') throw new Error('activated: expected a boolean');

  const out = Buffer.alloc(OBU_SYSTEM_INFO_LENGTH);
  provider.copy(out, 0);
  out[8] = contractType;
  out[9] = contractVersion;
  bcd(serial, 8).copy(out, 10);
  bcd(input.signedDate, 4).copy(out, 18);
  bcd(input.expiryDate, 4).copy(out, 22);
  out[26] = input.activated ? OBU_TAMPER_FLAG.activated : OBU_TAMPER_FLAG.notActivated;
  return out;
}

export function decodeObuSystemInfo(buf: Uint8Array): ObuSystemInfo {
  const b = expectLength('OBU EF01', buf, OBU_SYSTEM_INFO_LENGTH);
  const contractSerial = field('contractSerial', () => fromBcd(b.subarray(10, 18)));
  const flag = b[26];
  // An unknown flag is reported rather than read as "not activated": guessing here would
  // hide exactly the vendor difference OBU_TAMPER_FLAG exists for.
  if (flag !== OBU_TAMPER_FLAG.activated && flag !== OBU_TAMPER_FLAG.notActivated) {
    throw new Error(`tamper flag: unexpected value 0x${flag.toString(16).padStart(2, '0')}, see OBU_TAMPER_FLAG`);
  }
  return {
    // EF01 has no network field of its own; the contract serial starts with it.
    network: contractSerial.slice(0, 4),
    contractType: b[8],
    contractVersion: b[9],
    contractSerial,
    signedDate: field('signedDate', () => fromBcd(b.subarray(18, 22))),
    expiryDate: field('expiryDate', () => fromBcd(b.subarray(22, 26))),
    activated: flag === OBU_TAMPER_FLAG.activated,
    issuerIdHex: toHex(b.subarray(0, 8)),
  };
}

export type ObuVehicleInfo = {
  plate: string;
  plateColor: number;
  vehicleClass: number;
  userType: number;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  wheels: number;
  axles: number;
  wheelbaseMm: number;
  /** Rated load in kg for trucks, number of seats for passenger vehicles. */
  ratedLoadKgOrSeats: number;
  description: string;
  engineNumber: string;
};

// Vehicle licences give dimensions in millimetres while the file stores decimetres, so the
// API takes millimetres and rounds to the nearest decimetre (error at most 50 mm); decoding
// therefore returns multiples of 100 mm.
function toDm(name: string, mm: number, bytes: number): number {
  if (!Number.isFinite(mm) || mm < 0) throw new Error(`${name}: expected millimetres >= 0, got ${mm}`);
  const dm = Math.round(mm / 100);
  const max = 2 ** (8 * bytes) - 1;
  if (dm > max) throw new Error(`${name}: ${mm} mm is ${dm} dm, field holds at most ${max} dm`);
  return dm;
}

/*
 * DF01 EF01, 79 bytes. The reference lists the fields but not all widths; the widths below
 * (layout UNCERTAIN, check against the OBU vendor's personalisation spec before production):
 *   0 plate 12 GBK | 12 plate colour 2 BE | 14 vehicle class 1 | 15 user type 1 |
 *   16 length 2 (dm) | 18 width 1 (dm) | 19 height 1 (dm) | 20 wheels 1 | 21 axles 1 |
 *   22 wheelbase 2 (dm) | 24 rated load (kg) or seats 3 | 27 description 16 GBK |
 *   43 engine number 16 ASCII | 59..78 zero.
 * The 2019 truck layout (masses in kg, 17-character VIN) is not covered.
 */
export function encodeObuVehicleInfo(input: ObuVehicleInfo): Buffer {
  checkPlate('plate', input.plate);
  const plate = field('plate', () => gbk(input.plate, 12));
  const plateColor = checkCode('plateColor', input.plateColor, PLATE_COLOURS);
  const vehicleClass = checkCode('vehicleClass', input.vehicleClass, VEHICLE_CLASSES);
  const userType = checkCode('userType', input.userType, USER_TYPES);
  const length = toDm('lengthMm', input.lengthMm, 2);
  const width = toDm('widthMm', input.widthMm, 1);
  const height = toDm('heightMm', input.heightMm, 1);
  const wheels = uint('wheels', input.wheels, 1);
  const axles = uint('axles', input.axles, 1);
  const wheelbase = toDm('wheelbaseMm', input.wheelbaseMm, 2);
  const load = uint('ratedLoadKgOrSeats', input.ratedLoadKgOrSeats, 3);
  const description = field('description', () => gbk(input.description, 16));
  const engineNumber = field('engineNumber', () => ascii(input.engineNumber, 16));

  const out = Buffer.alloc(OBU_VEHICLE_INFO_LENGTH);
  plate.copy(out, 0);
  out.writeUInt16BE(plateColor, 12);
  out[14] = vehicleClass;
  out[15] = userType;
  out.writeUInt16BE(length, 16);
  out[18] = width;
  out[19] = height;
  out[20] = wheels;
  out[21] = axles;
  out.writeUInt16BE(wheelbase, 22);
  out.writeUIntBE(load, 24, 3);
  description.copy(out, 27);
  engineNumber.copy(out, 43);
  return out;
}

export function decodeObuVehicleInfo(buf: Uint8Array): ObuVehicleInfo {
  const b = expectLength('OBU DF01 EF01', buf, OBU_VEHICLE_INFO_LENGTH);
  return {
    plate: fromGbk(b.subarray(0, 12)),
    plateColor: b.readUInt16BE(12),
    vehicleClass: b[14],
    userType: b[15],
    lengthMm: b.readUInt16BE(16) * 100,
    widthMm: b[18] * 100,
    heightMm: b[19] * 100,
    wheels: b[20],
    axles: b[21],
    wheelbaseMm: b.readUInt16BE(22) * 100,
    ratedLoadKgOrSeats: b.readUIntBE(24, 3),
    description: fromGbk(b.subarray(27, 43)),
    engineNumber: fromAscii(b.subarray(43, 59)),
  };
}
