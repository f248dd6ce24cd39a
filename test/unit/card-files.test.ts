import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import {
  bcd,
  decodeCardholder,
  decodeCardIssuance,
  encodeCardholder,
  encodeCardIssuance,
  fromBcd,
  fromGbk,
  gbk,
  ISSUER_IDS,
  issuerId,
  toHex,
  type CardIssuanceInput,
} from '../../src/modules/issuance/card-files.ts';
import {
  decodeObuSystemInfo,
  decodeObuVehicleInfo,
  encodeObuSystemInfo,
  encodeObuVehicleInfo,
  OBU_TAMPER_FLAG,
  type ObuSystemInfoInput,
  type ObuVehicleInfo,
} from '../../src/modules/issuance/obu-files.ts';

const issuance: CardIssuanceInput = {
  network: '3401',
  cardType: 22,
  serial: '2301000012345678',
  startDate: '20250301',
  expiryDate: '20350228',
  plate: '皖A12345',
  userType: 0,
  plateColor: 0,
  vehicleClass: 1,
};

const hex = (b: Buffer, from: number, to: number): string => b.subarray(from, to).toString('hex').toUpperCase();

describe('issuance codecs: BCD and GBK', () => {
  it('packs BCD left-padded and unpacks it', () => {
    assert.equal(toHex(bcd('3401', 2)), '3401');
    assert.equal(toHex(bcd('123', 3)), '000123');
    assert.equal(fromBcd(Buffer.from('00012345', 'hex')), '00012345');
  });

  it('refuses non-digits, too many digits and non-BCD bytes', () => {
    assert.throws(() => bcd('12a4', 2), /digits only/);
    assert.throws(() => bcd('12345', 2), /5 digits/);
    assert.throws(() => fromBcd(Buffer.from('1A', 'hex')), /not BCD/);
  });

  it('encodes GBK right-padded with 00 and strips the padding on decode', () => {
    const b = gbk('安徽', 6);
    assert.equal(toHex(b), 'B0B2BBD50000');
    assert.equal(fromGbk(b), '安徽');
  });

  it('refuses text longer than the field and characters GBK lacks', () => {
    assert.throws(() => gbk('安徽安徽', 7), /8 bytes in GBK, field holds 7/);
    assert.throws(() => gbk('A😀', 12), /no GBK encoding/);
    // A literal '?' is legitimate and must not be mistaken for a replacement.
    assert.equal(fromGbk(gbk('A?', 4)), 'A?');
  });

  it('returns upper-case hex', () => {
    assert.equal(toHex(Buffer.from([0xab, 0x0c])), 'AB0C');
  });
});

describe('issuer ids', () => {
  it('repeats the two-character province name in GBK', () => {
    assert.equal(toHex(issuerId('3401')), 'B0B2BBD5B0B2BBD5');
    assert.equal(toHex(issuerId('3201')), 'BDADCBD5BDADCBD5');
    assert.equal(toHex(issuerId('3601')), 'BDADCEF7BDADCEF7');
    assert.equal(toHex(issuerId('3301')), 'D5E3BDADD5E3BDAD');
  });

  it('writes 上海公路 once for Shanghai', () => {
    assert.equal(toHex(issuerId('3101')), 'C9CFBAA3B9ABC2B7');
  });

  it('gives 8 bytes for every listed network and refuses unknown ones', () => {
    for (const network of Object.keys(ISSUER_IDS)) assert.equal(issuerId(network).length, 8, network);
    assert.throws(() => issuerId('9901'), /network: unknown network id "9901"/);
    assert.throws(() => issuerId('toString'), /unknown network id/);
  });
});

describe('file 0015 (card issuance)', () => {
  it('lays out every field at the documented offset', () => {
    const b = encodeCardIssuance(issuance);
    assert.equal(b.length, 43);
    assert.equal(hex(b, 0, 8), 'B0B2BBD5B0B2BBD5');
    assert.equal(b[8], 0x16);
    assert.equal(b[9], 0x40);
    assert.equal(hex(b, 10, 12), '3401');
    assert.equal(hex(b, 12, 20), '2301000012345678');
    assert.equal(hex(b, 20, 24), '20250301');
    assert.equal(hex(b, 24, 28), '20350228');
    const plate = iconv.encode('皖A12345', 'gbk');
    assert.equal(plate.toString('hex').toUpperCase(), 'CDEE413132333435');
    assert.deepEqual(b.subarray(28, 40), Buffer.concat([plate, Buffer.alloc(12 - plate.length)]));
    assert.deepEqual([...b.subarray(40, 43)], [0, 0, 1]);
  });

  it('writes type 23 as 0x17, a given version, and the last three codes', () => {
    const b = encodeCardIssuance({
      ...issuance,
      cardType: 23,
      cardVersion: 0x41,
      userType: 21,
      plateColor: 4,
      vehicleClass: 26,
    });
    assert.equal(b[8], 0x17);
    assert.equal(b[9], 0x41);
    assert.deepEqual([...b.subarray(40, 43)], [21, 4, 26]);
  });

  it('round-trips', () => {
    const b = encodeCardIssuance(issuance);
    assert.deepEqual(decodeCardIssuance(b), {
      ...issuance,
      cardVersion: 0x40,
      issuerIdHex: 'B0B2BBD5B0B2BBD5',
    });
    const sh = { ...issuance, network: '3101', plate: '沪AD12345', plateColor: 4, cardType: 23 as const };
    assert.deepEqual(decodeCardIssuance(encodeCardIssuance(sh)), {
      ...sh,
      cardVersion: 0x40,
      issuerIdHex: 'C9CFBAA3B9ABC2B7',
    });
  });

  it('refuses bad input, naming the field', () => {
    assert.throws(() => encodeCardIssuance({ ...issuance, serial: '230100001234567' }), /^Error: serial:/);
    assert.throws(() => encodeCardIssuance({ ...issuance, serial: '23010000123456789' }), /^Error: serial:/);
    assert.throws(
      () => encodeCardIssuance({ ...issuance, startDate: '20261340' }),
      /startDate: "20261340" is not a calendar date/,
    );
    assert.throws(() => encodeCardIssuance({ ...issuance, expiryDate: '20270229' }), /expiryDate:/);
    assert.throws(() => encodeCardIssuance({ ...issuance, expiryDate: '20240101' }), /expiryDate: .* before startDate/);
    assert.throws(
      () => encodeCardIssuance({ ...issuance, plate: '皖A1234567890' }),
      /plate: .*13 bytes in GBK, field holds 12/,
    );
    assert.throws(() => encodeCardIssuance({ ...issuance, plate: '' }), /plate: must not be empty/);
    assert.throws(() => encodeCardIssuance({ ...issuance, plate: '皖A1234😀' }), /plate: .*no GBK encoding/);
    assert.throws(() => encodeCardIssuance({ ...issuance, network: '9901' }), /network: unknown/);
    assert.throws(() => encodeCardIssuance({ ...issuance, vehicleClass: 5 }), /vehicleClass: 5 is not one of/);
    assert.throws(() => encodeCardIssuance({ ...issuance, plateColor: 7 }), /plateColor:/);
    assert.throws(() => encodeCardIssuance({ ...issuance, userType: 1 }), /userType:/);
    assert.throws(() => encodeCardIssuance({ ...issuance, cardType: 24 as never }), /cardType:/);
    assert.throws(() => encodeCardIssuance({ ...issuance, cardVersion: 256 }), /cardVersion:/);
  });

  it('refuses a buffer of the wrong length on decode', () => {
    assert.throws(() => decodeCardIssuance(Buffer.alloc(50)), /expected 43 bytes, got 50/);
  });
});

describe('file 0016 (cardholder)', () => {
  const holder = { holderFlag: 0, staffFlag: 1, name: '张三', idNumber: '34010119900101123X', idType: 0 };

  it('is 55 bytes with fields at their offsets, and round-trips', () => {
    const b = encodeCardholder(holder);
    assert.equal(b.length, 55);
    assert.deepEqual([b[0], b[1], b[54]], [0, 1, 0]);
    assert.deepEqual(b.subarray(2, 22), Buffer.concat([iconv.encode('张三', 'gbk'), Buffer.alloc(16)]));
    assert.equal(b.subarray(22, 40).toString('latin1'), '34010119900101123X');
    assert.ok(b.subarray(40, 54).every((x) => x === 0));
    assert.deepEqual(decodeCardholder(b), holder);
  });

  it('refuses a name over 20 bytes and a non-ASCII id number', () => {
    assert.throws(() => encodeCardholder({ ...holder, name: '一二三四五六七八九十一' }), /^Error: name:/);
    assert.throws(() => encodeCardholder({ ...holder, idNumber: '３４０１' }), /^Error: idNumber:/);
    assert.throws(() => encodeCardholder({ ...holder, idType: -1 }), /idType:/);
  });
});

describe('OBU system information (MF EF01)', () => {
  const sys: ObuSystemInfoInput = {
    network: '3401',
    contractType: 1,
    contractVersion: 0x50,
    contractSerial: '3401230100000042',
    signedDate: '20250301',
    expiryDate: '20350228',
    activated: true,
  };

  it('is 99 bytes, first 27 used, tamper flag at 26, and round-trips', () => {
    const b = encodeObuSystemInfo(sys);
    assert.equal(b.length, 99);
    assert.equal(hex(b, 0, 8), 'B0B2BBD5B0B2BBD5');
    assert.deepEqual([b[8], b[9]], [1, 0x50]);
    assert.equal(hex(b, 10, 18), '3401230100000042');
    assert.equal(hex(b, 18, 22), '20250301');
    assert.equal(hex(b, 22, 26), '20350228');
    assert.equal(b[26], OBU_TAMPER_FLAG.activated);
    assert.ok(b.subarray(27).every((x) => x === 0));
    assert.deepEqual(decodeObuSystemInfo(b), { ...sys, issuerIdHex: 'B0B2BBD5B0B2BBD5' });
    const off = encodeObuSystemInfo({ ...sys, activated: false });
    assert.equal(off[26], OBU_TAMPER_FLAG.notActivated);
    assert.equal(decodeObuSystemInfo(off).activated, false);
  });

  it('refuses a serial from another network, bad dates and unknown tamper values', () => {
    assert.throws(() => encodeObuSystemInfo({ ...sys, contractSerial: '3201230100000042' }), /contractSerial:/);
    assert.throws(() => encodeObuSystemInfo({ ...sys, signedDate: '20250230' }), /signedDate:/);
    const b = encodeObuSystemInfo(sys);
    b[26] = 0x7f;
    assert.throws(() => decodeObuSystemInfo(b), /tamper flag: unexpected value 0x7f/);
  });
});

describe('OBU vehicle information (DF01 EF01)', () => {
  const veh: ObuVehicleInfo = {
    plate: '皖A12345',
    plateColor: 1,
    vehicleClass: 12,
    userType: 0,
    lengthMm: 7800,
    widthMm: 2400,
    heightMm: 3100,
    wheels: 6,
    axles: 2,
    wheelbaseMm: 4500,
    ratedLoadKgOrSeats: 9950,
    description: '厢式货车',
    engineNumber: 'YC4S150-50',
  };

  it('is 79 bytes with the assumed offsets, and round-trips', () => {
    const b = encodeObuVehicleInfo(veh);
    assert.equal(b.length, 79);
    assert.equal(hex(b, 0, 12), 'CDEE41313233343500000000');
    assert.equal(hex(b, 12, 16), '00010C00');
    assert.equal(b.readUInt16BE(16), 78);
    assert.deepEqual([b[18], b[19], b[20], b[21]], [24, 31, 6, 2]);
    assert.equal(b.readUInt16BE(22), 45);
    assert.equal(b.readUIntBE(24, 3), 9950);
    assert.equal(fromGbk(b.subarray(27, 43)), '厢式货车');
    assert.equal(b.subarray(43, 53).toString('latin1'), 'YC4S150-50');
    assert.ok(b.subarray(53).every((x) => x === 0));
    assert.deepEqual(decodeObuVehicleInfo(b), veh);
  });

  it('stores millimetres as the nearest decimetre', () => {
    const b = encodeObuVehicleInfo({ ...veh, lengthMm: 4749, widthMm: 1850 });
    assert.equal(b.readUInt16BE(16), 47);
    assert.equal(b[18], 19);
  });

  it('refuses out-of-range values, naming the field', () => {
    assert.throws(() => encodeObuVehicleInfo({ ...veh, vehicleClass: 5 }), /vehicleClass:/);
    assert.throws(() => encodeObuVehicleInfo({ ...veh, widthMm: 26000 }), /widthMm: .*255 dm/);
    assert.throws(() => encodeObuVehicleInfo({ ...veh, ratedLoadKgOrSeats: 2 ** 24 }), /ratedLoadKgOrSeats:/);
    assert.throws(() => encodeObuVehicleInfo({ ...veh, description: '厢式货车厢式货车A' }), /description:/);
    assert.throws(() => encodeObuVehicleInfo({ ...veh, engineNumber: 'X'.repeat(17) }), /engineNumber:/);
  });
});
