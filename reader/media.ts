// The virtual media a reader holds: a user card (the lanes-sim purse plus files 0015/0016/0019 and
// its maintenance key for secure-messaging writes) and an OBU (its ESAM's two files and keys). Each
// holds only its own diversified keys, taken from the demo card stock, as a real medium would.
import { randomBytes } from 'node:crypto';
import { mac16 } from '../src/platform/crypto/pboc.ts';
import { decodeCardholder, decodeCardIssuance } from '../src/modules/issuance/card-files.ts';
import { CardError, VirtualCard } from '../lanes-sim/card/virtual-card.ts';
import type { CardFiles, CardFile, MediumSummary, ObuFile, ObuFiles, WritableFile } from './protocol.ts';
import type { StockCard, StockObu } from './stock.ts';

export { CardError };

const FILE_LENGTH: Record<WritableFile, number> = { '0015': 43, '0016': 55, system: 99, vehicle: 79 };
const FILE_SFI: Record<WritableFile, number> = { '0015': 0x15, '0016': 0x16, system: 0x01, vehicle: 0x01 };
const OBU_TAMPER_OFFSET = 26;
const hex = (b: Buffer) => b.toString('hex').toUpperCase();

export type CardState = {
  balance: number;
  onlineSeq: number;
  offlineSeq: number;
  file0015: string;
  file0016: string;
  file0019: string | null;
};
export type ObuState = { systemFile: string; vehicleFile: string };

// Secure-messaging UPDATE BINARY: 04 D6 (80|SFI) offset Lc ‖ data ‖ MAC(4), the MAC being
// MAC16(key, header ‖ data, ICV = challenge ‖ 00000000) (ETC-REFERENCE §1, §4). The challenge is used
// up by the attempt, accepted or not, as on a real card.
function secureWrite(
  file: WritableFile,
  fileData: Buffer,
  key: Buffer,
  challenges: Map<WritableFile, Buffer>,
  commandHex: string,
): void {
  if (!/^([0-9A-Fa-f]{2})+$/.test(commandHex)) throw new CardError('6700', 'the command is not hex bytes');
  const cmd = Buffer.from(commandHex, 'hex');
  if (cmd.length < 10) throw new CardError('6700', 'the command is too short');
  if (cmd[0] !== 0x04 || cmd[1] !== 0xd6) throw new CardError('6D00', 'only UPDATE BINARY with secure messaging');
  if (cmd[2] !== (0x80 | FILE_SFI[file])) throw new CardError('6A82', `the command does not address file ${file}`);
  if (cmd[4] !== cmd.length - 5) throw new CardError('6700', 'Lc does not match the command length');
  const challenge = challenges.get(file);
  challenges.delete(file);
  if (!challenge) throw new CardError('6985', 'no challenge: GET CHALLENGE first');
  const body = cmd.subarray(0, cmd.length - 4);
  const expected = mac16(key, body, Buffer.concat([challenge, Buffer.alloc(4)]));
  if (!expected.equals(cmd.subarray(cmd.length - 4))) throw new CardError('6988', 'the write MAC does not verify');
  const offset = cmd[3];
  const data = cmd.subarray(5, cmd.length - 4);
  if (offset + data.length > fileData.length) throw new CardError('6B00', 'the write goes past the end of the file');
  data.copy(fileData, offset);
}

function restoreFile(value: string | undefined, file: WritableFile): Buffer {
  const b = value ? Buffer.from(value, 'hex') : Buffer.alloc(FILE_LENGTH[file]);
  if (b.length !== FILE_LENGTH[file]) throw new Error(`saved file ${file} has the wrong length`);
  return b;
}

export class ReaderCard {
  readonly kind = 'card' as const;
  readonly cardNo: string;
  readonly cardType: 22 | 23;
  readonly purse: VirtualCard;
  readonly #amk: Buffer;
  readonly #files: Record<CardFile, Buffer>;
  readonly #challenges = new Map<WritableFile, Buffer>();
  #saved0019: Buffer | null;

  constructor(stock: StockCard, state?: CardState) {
    this.cardNo = stock.cardNo;
    this.cardType = stock.cardType;
    const k = (h: string) => Buffer.from(h, 'hex');
    this.purse = new VirtualCard({
      cardNo: stock.cardNo,
      keyVersion: stock.keyVersion,
      cardKeys: { load: k(stock.keys.load), tac: k(stock.keys.tac), purchase: k(stock.keys.purchase) },
      balance: state?.balance ?? 0,
      onlineSeq: state?.onlineSeq ?? 0,
      offlineSeq: state?.offlineSeq ?? 0,
    });
    this.#amk = k(stock.keys.maintenance);
    this.#files = { '0015': restoreFile(state?.file0015, '0015'), '0016': restoreFile(state?.file0016, '0016') };
    this.#saved0019 = state?.file0019 ? Buffer.from(state.file0019, 'hex') : null;
  }

  get blank(): boolean {
    return this.#files['0015'].every((b) => b === 0);
  }

  summary(): MediumSummary {
    return { kind: 'card', cardNo: this.cardNo, cardType: this.cardType, blank: this.blank };
  }

  challenge(file: WritableFile): Buffer {
    if (file !== '0015' && file !== '0016') throw new CardError('6A82', `a card has no file ${file}`);
    const c = randomBytes(4);
    this.#challenges.set(file, c);
    return c;
  }

  write(file: WritableFile, command: string): void {
    if (file !== '0015' && file !== '0016') throw new CardError('6A82', `a card has no file ${file}`);
    secureWrite(file, this.#files[file], this.#amk, this.#challenges, command);
  }

  #file0019(): Buffer | null {
    return this.purse.cappRecord ?? this.#saved0019;
  }

  files(): CardFiles {
    const blank0016 = this.#files['0016'].every((b) => b === 0);
    const f0019 = this.#file0019();
    return {
      cardNo: this.cardNo,
      cardType: this.cardType,
      blank: this.blank,
      file0015: hex(this.#files['0015']),
      file0016: hex(this.#files['0016']),
      file0019: f0019 ? hex(f0019) : null,
      issuance: this.blank ? null : decodeSafely(() => decodeCardIssuance(this.#files['0015'])),
      holder: blank0016 ? null : decodeSafely(() => decodeCardholder(this.#files['0016'])),
      balance: this.purse.balance,
      onlineSeq: this.purse.onlineSeq,
      offlineSeq: this.purse.offlineSeq,
    };
  }

  state(): CardState {
    const f0019 = this.#file0019();
    return {
      balance: this.purse.balance,
      onlineSeq: this.purse.onlineSeq,
      offlineSeq: this.purse.offlineSeq,
      file0015: hex(this.#files['0015']),
      file0016: hex(this.#files['0016']),
      file0019: f0019 ? hex(f0019) : null,
    };
  }
}

function decodeSafely<T extends object>(fn: () => T): Omit<T, 'issuerIdHex'> | null {
  try {
    const { issuerIdHex: _drop, ...rest } = fn() as T & { issuerIdHex?: string };
    return rest as Omit<T, 'issuerIdHex'>;
  } catch {
    return null; // a file the reader cannot decode is still returned as hex
  }
}

export class ReaderObu {
  readonly kind = 'obu' as const;
  readonly obuNo: string;
  readonly #keys: Record<ObuFile, Buffer>;
  readonly #files: Record<ObuFile, Buffer>;
  readonly #challenges = new Map<WritableFile, Buffer>();

  constructor(stock: StockObu, state?: ObuState) {
    this.obuNo = stock.obuNo;
    this.#keys = {
      system: Buffer.from(stock.keys.maintenance, 'hex'),
      vehicle: Buffer.from(stock.keys.vehicle, 'hex'),
    };
    this.#files = {
      system: restoreFile(state?.systemFile, 'system'),
      vehicle: restoreFile(state?.vehicleFile, 'vehicle'),
    };
  }

  get blank(): boolean {
    return this.#files.system.every((b) => b === 0);
  }
  get activated(): boolean {
    return this.#files.system[OBU_TAMPER_OFFSET] !== 0;
  }

  summary(): MediumSummary {
    return { kind: 'obu', obuNo: this.obuNo, blank: this.blank, activated: this.activated };
  }

  challenge(file: WritableFile): Buffer {
    if (file !== 'system' && file !== 'vehicle') throw new CardError('6A82', `an OBU has no file ${file}`);
    const c = randomBytes(4);
    this.#challenges.set(file, c);
    return c;
  }

  write(file: WritableFile, command: string): void {
    if (file !== 'system' && file !== 'vehicle') throw new CardError('6A82', `an OBU has no file ${file}`);
    secureWrite(file, this.#files[file], this.#keys[file], this.#challenges, command);
  }

  files(): ObuFiles {
    return {
      obuNo: this.obuNo,
      blank: this.blank,
      activated: this.activated,
      systemFile: hex(this.#files.system),
      vehicleFile: hex(this.#files.vehicle),
    };
  }

  state(): ObuState {
    return { systemFile: hex(this.#files.system), vehicleFile: hex(this.#files.vehicle) };
  }
}

export type Medium = ReaderCard | ReaderObu;
