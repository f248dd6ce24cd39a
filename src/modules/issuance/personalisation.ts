// Personalisation data for the counter's card/OBU writer: file contents as hex, and the
// secure-messaging command with its MAC for a given card challenge. The key service computes
// the MAC with the medium's diversified key; no key leaves it.
import type { KeyService } from '../keys/index.ts';
import { encodeCardholder, encodeCardIssuance, toHex, type CardType } from './card-files.ts';
import { encodeObuSystemInfo, encodeObuVehicleInfo, OBU_TAMPER_FLAG } from './obu-files.ts';
import { serial8 } from './numbers.ts';

export type WriteCommand = { file: string; command: string; mac: string; keyVersion: number };

// UPDATE BINARY with secure messaging: CLA 04, INS D6, P1 = 0x80 | SFI, P2 = offset, Lc = data + MAC.
function updateBinary(sfi: number, offset: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x04, 0xd6, 0x80 | sfi, offset, data.length + 4]), data]);
}

function write(
  keys: KeyService,
  purpose: 'maintenance' | 'obu-maintenance' | 'obu-vehicle',
  mediumNo: string,
  file: string,
  cmd: Buffer,
  challenge: Buffer,
): WriteCommand {
  const { mac, keyVersion } = keys.macForFileWrite(purpose, serial8(mediumNo), cmd, challenge);
  return { file, command: toHex(cmd) + mac, mac, keyVersion };
}

const compact = (isoDate: string) => isoDate.replaceAll('-', '');

export type CardFacts = {
  cardNo: string;
  cardType: CardType;
  cardVersion: number;
  startDate: string;
  expiryDate: string;
};
export type VehicleFacts = { plate: string; plateColor: number; vehicleClass: number; category: number };
export type HolderFacts = { name: string; idType: number; idNumber: string; staff?: boolean };

export function cardIssuanceFile(card: CardFacts, vehicle: VehicleFacts): Buffer {
  return encodeCardIssuance({
    network: card.cardNo.slice(0, 4),
    cardType: card.cardType,
    cardVersion: card.cardVersion,
    serial: card.cardNo.slice(4),
    startDate: compact(card.startDate),
    expiryDate: compact(card.expiryDate),
    plate: vehicle.plate,
    userType: vehicle.category,
    plateColor: vehicle.plateColor,
    vehicleClass: vehicle.vehicleClass,
  });
}

export function cardholderFile(holder: HolderFacts): Buffer {
  // holder flag 0 = the holder is the card's owner (project choice; no other value is used yet)
  return encodeCardholder({
    holderFlag: 0,
    staffFlag: holder.staff ? 1 : 0,
    name: holder.name.slice(0, 10),
    idNumber: holder.idNumber,
    idType: holder.idType,
  });
}

export function cardWrite(
  keys: KeyService,
  cardNo: string,
  file: '0015' | '0016',
  data: Buffer,
  challenge: Buffer,
): WriteCommand {
  return write(keys, 'maintenance', cardNo, file, updateBinary(file === '0015' ? 0x15 : 0x16, 0, data), challenge);
}

export type ObuFacts = {
  obuNo: string;
  contractVersion: number;
  signedDate: string;
  expiryDate: string;
  activated: boolean;
};

export function obuSystemFile(obu: ObuFacts): Buffer {
  return encodeObuSystemInfo({
    network: obu.obuNo.slice(0, 4),
    contractType: 1,
    contractVersion: obu.contractVersion,
    contractSerial: obu.obuNo,
    signedDate: compact(obu.signedDate),
    expiryDate: compact(obu.expiryDate),
    activated: obu.activated,
  });
}

export function obuVehicleFile(
  v: VehicleFacts & {
    axles: number | null;
    wheels: number | null;
    seats: number | null;
    loadKg: number | null;
    lengthMm: number | null;
    widthMm: number | null;
    heightMm: number | null;
    wheelbaseMm: number | null;
    description: string | null;
    engineNo: string | null;
  },
): Buffer {
  const truck = v.vehicleClass >= 11 && v.vehicleClass <= 16;
  return encodeObuVehicleInfo({
    plate: v.plate,
    plateColor: v.plateColor,
    vehicleClass: v.vehicleClass,
    userType: v.category,
    lengthMm: v.lengthMm ?? 0,
    widthMm: v.widthMm ?? 0,
    heightMm: v.heightMm ?? 0,
    wheels: v.wheels ?? 0,
    axles: v.axles ?? 0,
    wheelbaseMm: v.wheelbaseMm ?? 0,
    ratedLoadKgOrSeats: (truck ? v.loadKg : v.seats) ?? 0,
    description: v.description ?? '',
    engineNumber: v.engineNo ?? '',
  });
}

// MF EF01 is written whole at issuance (SFI 01) with the OBU maintenance key.
export function obuSystemWrite(keys: KeyService, obuNo: string, data: Buffer, challenge: Buffer): WriteCommand {
  return write(keys, 'obu-maintenance', obuNo, 'system', updateBinary(0x01, 0, data.subarray(0, 27)), challenge);
}

// Activation writes one byte: the tamper/disassembly flag at offset 26 of MF EF01.
export function obuActivationWrite(keys: KeyService, obuNo: string, challenge: Buffer): WriteCommand {
  return write(
    keys,
    'obu-maintenance',
    obuNo,
    'system',
    updateBinary(0x01, 26, Buffer.from([OBU_TAMPER_FLAG.activated])),
    challenge,
  );
}

// DF01 EF01 (vehicle information) uses the OBU vehicle-file key.
export function obuVehicleWrite(keys: KeyService, obuNo: string, data: Buffer, challenge: Buffer): WriteCommand {
  return write(keys, 'obu-vehicle', obuNo, 'vehicle', updateBinary(0x01, 0, data), challenge);
}
