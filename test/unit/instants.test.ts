// The one rule for a time a machine sends: ISO 8601 with an offset, in a year the centre can store
// and give back as written (0001–9999 in UTC).
import assert from 'node:assert/strict';
import { isoInstant, storableInstant } from '../../src/platform/http/schemas.ts';

describe('instants a machine may send', () => {
  it('takes ISO 8601 with an offset in the years 0001 to 9999 (UTC)', () => {
    for (const s of [
      '2026-12-07T08:00:00+08:00',
      '2026-12-07T00:00:00.123Z',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
    ])
      assert.equal(isoInstant.safeParse(s).success, true, s);
  });

  it('refuses other forms, and the edges that fall outside those years once in UTC', () => {
    for (const s of [
      '2026', // a year alone parses in JavaScript
      'Tue, 01 Dec 2026 00:00:00 GMT',
      '2026-12-07T08:00:00', // no offset
      '0000-06-01T00:00:00Z', // no year 0000 in PostgreSQL
      '0001-01-01T07:59:59+08:00', // year 0000 in UTC
      '9999-12-31T23:00:00-12:00', // year 10000 in UTC
      '+275760-09-13T00:00:00Z',
      '-271821-04-20T00:00:00Z',
    ])
      assert.equal(isoInstant.safeParse(s).success, false, s);
  });

  it('storableInstant is false for an invalid date', () => {
    assert.equal(storableInstant(new Date('x')), false);
    assert.equal(storableInstant(new Date('1970-01-01T00:00:00Z')), true);
  });
});
