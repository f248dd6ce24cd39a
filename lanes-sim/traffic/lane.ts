// A lane controller with its PSAM: it runs the ETC compound purchase (ETC-REFERENCE §3) on a
// virtual card — INITIALIZE FOR CAPP PURCHASE, MAC1 from the PSAM, UPDATE CAPP DATA CACHE with the
// entry/exit record, DEBIT FOR PURCHASE, the card's MAC2 checked by the PSAM — and writes the
// transaction as the lane uploads it (ICD §2). Entry lanes charge 0 (the entry record only), exit
// lanes charge the tariff. A lane's clock may be off (skewMs): what it writes is off with it.
import iconv from 'iconv-lite';
import type { VirtualCard, VirtualPsam } from '../card/virtual-card.ts';

export type Point = { network: string; station: number; lane: number; time: string };
// ICD §2, as JSON: amounts are integer fen, times ISO 8601 with +08:00
export type WireTransaction = {
  terminalId: string;
  terminalSeq: number;
  transType: string;
  time: string;
  cardNo: string;
  cardType: number;
  obuId?: string;
  plate?: string;
  plateColor?: number;
  vehicleClass: number;
  entry?: Point;
  exit?: Point;
  sections?: string[];
  fee: number;
  amount: number;
  balanceBefore?: number;
  balanceAfter?: number;
  offlineSeq: number;
  tac: string;
};

export type Vehicle = { plate: string; plateColor: number; vehicleClass: number; obuId: string; cardType: 22 | 23 };

const CST_MS = 8 * 3600_000;

/** ISO 8601 in China Standard Time, to the second, as lanes write it. */
export function cstIso(at: Date): string {
  const local = new Date(Math.floor(at.getTime() / 1000) * 1000 + CST_MS);
  return local.toISOString().slice(0, 19) + '+08:00';
}

/** The card's BCD date and time (YYYYMMDD, hhmmss) in China Standard Time. */
export function cardDateTime(at: Date): { date: string; time: string } {
  const s = new Date(at.getTime() + CST_MS).toISOString();
  return { date: s.slice(0, 10).replaceAll('-', ''), time: s.slice(11, 19).replaceAll(':', '') };
}

// File 0019 record AA (43 bytes): AA 29 00, network 2, station 2, lane 1, UNIX time 4, class 1,
// status 1 (1 entry, 2 exit), marker station 9, collector 3, shift 1, plate 12 (GBK), reserved 4.
function cappRecord(network: string, station: number, lane: number, at: Date, vehicle: Vehicle, exit: boolean): Buffer {
  const r = Buffer.alloc(43);
  r.set([0xaa, 0x29, 0x00], 0);
  Buffer.from(network, 'hex').copy(r, 3);
  r.writeUInt16BE(station % 0x10000, 5);
  r.writeUInt8(lane, 7);
  r.writeUInt32BE(Math.floor(at.getTime() / 1000), 8);
  r.writeUInt8(vehicle.vehicleClass, 12);
  r.writeUInt8(exit ? 2 : 1, 13);
  iconv.encode(vehicle.plate, 'gbk').subarray(0, 12).copy(r, 27);
  return r;
}

export type LaneSpec = {
  laneId: string;
  network: string;
  station: number;
  laneNo: number;
  direction: 'entry' | 'exit';
};

export class LaneController {
  readonly spec: LaneSpec;
  readonly psam: VirtualPsam;
  skewMs = 0;

  constructor(spec: LaneSpec, psam: VirtualPsam) {
    this.spec = spec;
    this.psam = psam;
  }

  get laneId(): string {
    return this.spec.laneId;
  }

  #point(at: Date): Point {
    return { network: this.spec.network, station: this.spec.station, lane: this.spec.laneNo, time: cstIso(at) };
  }

  // One compound purchase; throws if the card or the PSAM refuses (a real lane would stop the car).
  #purchase(card: VirtualCard, vehicle: Vehicle, amount: number, at: Date, exit: boolean) {
    const { date, time } = cardDateTime(at);
    const init = card.initializeForPurchase(amount, this.psam.terminalId, true);
    const { terminalSeq, mac1 } = this.psam.computeMac1({
      cardNo: card.cardNo,
      random: init.random,
      offlineSeq: init.offlineSeq,
      amount,
      date,
      time,
    });
    card.updateCappDataCache(cappRecord(this.spec.network, this.spec.station, this.spec.laneNo, at, vehicle, exit));
    const { tac, mac2 } = card.debitForPurchase(terminalSeq, date, time, mac1);
    if (
      !this.psam.verifyMac2({
        cardNo: card.cardNo,
        random: init.random,
        offlineSeq: init.offlineSeq,
        terminalSeq,
        amount,
        mac2,
      })
    )
      throw new Error('the card MAC2 does not verify');
    return { terminalSeq, tac, offlineSeq: init.offlineSeq, balanceBefore: init.balance };
  }

  #base(
    card: VirtualCard,
    vehicle: Vehicle,
    at: Date,
    p: { terminalSeq: number; tac: string; offlineSeq: number; balanceBefore: number },
    amount: number,
  ) {
    const stored = vehicle.cardType === 22;
    return {
      terminalId: this.psam.terminalId,
      terminalSeq: p.terminalSeq,
      transType: '09',
      time: cstIso(at),
      cardNo: card.cardNo,
      cardType: vehicle.cardType,
      obuId: vehicle.obuId,
      plate: vehicle.plate,
      plateColor: vehicle.plateColor,
      vehicleClass: vehicle.vehicleClass,
      ...(stored ? { balanceBefore: p.balanceBefore, balanceAfter: p.balanceBefore - amount } : {}),
      offlineSeq: p.offlineSeq,
      tac: p.tac,
    };
  }

  /** Entry: a compound purchase of 0 writes the entry record. Returns the transaction and the entry point. */
  entry(card: VirtualCard, vehicle: Vehicle, trueTime: Date): { tx: WireTransaction; point: Point } {
    const at = new Date(trueTime.getTime() + this.skewMs);
    const p = this.#purchase(card, vehicle, 0, at, false);
    const point = this.#point(at);
    return { tx: { ...this.#base(card, vehicle, at, p, 0), entry: point, fee: 0, amount: 0 }, point };
  }

  /** Exit: the fee of the path, less the discount the card is due; sections sent or left for the centre to derive. */
  exit(
    card: VirtualCard,
    vehicle: Vehicle,
    trueTime: Date,
    entry: Point,
    charge: { sections: string[]; fee: number; amount: number; sendSections: boolean },
  ): WireTransaction {
    const at = new Date(trueTime.getTime() + this.skewMs);
    const p = this.#purchase(card, vehicle, charge.amount, at, true);
    return {
      ...this.#base(card, vehicle, at, p, charge.amount),
      entry,
      exit: this.#point(at),
      ...(charge.sendSections ? { sections: charge.sections } : {}),
      fee: charge.fee,
      amount: charge.amount,
    };
  }
}
