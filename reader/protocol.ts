// The card reader agent's protocol (docs/CARD-READER.md): the JSON shapes exchanged between the
// console in the browser and the reader agent on 127.0.0.1. No Node or browser API here, so both
// sides import it.

export const READER_PROTOCOL_VERSION = 1;
export const DEFAULT_READER_PORT = 8790;
/** Header carrying the pairing token shown by the reader at start. */
export const TOKEN_HEADER = 'X-Reader-Token';

export type CardFile = '0015' | '0016';
export type ObuFile = 'system' | 'vehicle';
export type WritableFile = CardFile | ObuFile;

export type MediumSummary =
  | { kind: 'card'; cardNo: string; cardType: 22 | 23; blank: boolean }
  | { kind: 'obu'; obuNo: string; blank: boolean; activated: boolean };

export type ReaderStatus = {
  protocol: number;
  reader: { name: string; terminalId: string };
  medium: MediumSummary | null;
};

/** File 0015 decoded (ETC-REFERENCE §4); null when the file is still blank. */
export type CardIssuanceInfo = {
  cardType: number;
  cardVersion: number;
  network: string;
  serial: string;
  startDate: string;
  expiryDate: string;
  plate: string;
  userType: number;
  plateColor: number;
  vehicleClass: number;
};
export type CardholderInfo = { holderFlag: number; staffFlag: number; name: string; idNumber: string; idType: number };

export type CardFiles = {
  cardNo: string;
  cardType: 22 | 23;
  blank: boolean;
  file0015: string; // hex, 43 bytes
  file0016: string; // hex, 55 bytes
  file0019: string | null; // hex, 43 bytes: the last entry/exit record, null when none was written
  issuance: CardIssuanceInfo | null;
  holder: CardholderInfo | null;
  balance: number; // fen, the purse (stored-value cards)
  onlineSeq: number;
  offlineSeq: number;
};

export type ObuFiles = {
  obuNo: string;
  blank: boolean;
  activated: boolean;
  systemFile: string; // hex, MF EF01, 99 bytes
  vehicleFile: string; // hex, DF01 EF01, 79 bytes
};

export type ChallengeRequest = { file: WritableFile };
export type ChallengeResponse = { file: WritableFile; challenge: string };

/** A write command exactly as the centre returns it (`personalisation.writes[]`, `write`). */
export type WriteCommand = { file: WritableFile; command: string; mac?: string; keyVersion?: number };
export type WriteRequest = { writes: WriteCommand[] };
export type WriteResponse = { results: Array<{ file: WritableFile; sw: string }> };

export type LoadInitRequest = { amount: number; terminalId?: string };
/** Everything `POST /api/v1/channel/loads` needs except `payment`. */
export type LoadInitResponse = {
  cardNo: string;
  amount: number;
  terminalId: string;
  card: { balance: number; onlineSeq: number; keyVersion: number; algId: number; random: string; mac1: string };
};
export type LoadCreditRequest = { hostDate: string; hostTime: string; mac2: string };
export type LoadCreditResponse = { tac: string; balance: number; onlineSeq: number };

export type InsertRequest =
  | { kind: 'blank-card'; cardType: 22 | 23 }
  | { kind: 'blank-obu' }
  | { kind: 'card'; cardNo: string }
  | { kind: 'obu'; obuNo: string };

export type HeldMedium = MediumSummary;
export type MediaList = { media: HeldMedium[]; inSlot: MediumSummary | null };

export type ReaderErrorCode =
  | 'invalid-request'
  | 'reader-token-required'
  | 'origin-not-allowed'
  | 'host-not-allowed'
  | 'not-found'
  | 'no-medium'
  | 'wrong-medium'
  | 'medium-unknown'
  | 'stock-exhausted'
  | 'no-challenge'
  | 'card-refused'
  | 'medium-removed'
  | 'reader-unreachable'
  | 'internal';

export type ReaderErrorBody = { error: { code: ReaderErrorCode; message: string; sw?: string } };
