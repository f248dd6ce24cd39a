// The software HSM's check of a machine signature: the client secret is opened once and kept by its
// sealed form, so the answers must be the same on the first call and every later one, for each secret
// on its own, and a sealed value that does not open must still be refused.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { SoftwareHsm } from '../../src/modules/keys/index.ts';

const sign = (secret: Buffer, message: string) => createHmac('sha256', secret).update(message, 'utf8').digest('hex');

describe('software HSM: machine signatures', () => {
  const hsm = new SoftwareHsm(randomBytes(32));

  it('verifies a signature under the sealed secret, on the first call and the later ones', () => {
    const secret = randomBytes(32);
    const sealed = hsm.seal('client-secret', secret);
    for (let i = 0; i < 3; i++) {
      const message = `POST\n/api/v1/channel/loads\n${i}\nabc`;
      assert.equal(hsm.verifyHmac(sealed, message, sign(secret, message)), true, `call ${i}`);
      assert.equal(hsm.verifyHmac(sealed, message, sign(secret, `${message}x`)), false, `call ${i}`);
    }
  });

  it('keeps two clients apart, and a rotated secret replaces the old one for its new sealed value', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const sealedA = hsm.seal('client-secret', a);
    const sealedB = hsm.seal('client-secret', b);
    const m = 'GET\n/x\n1\n';
    assert.equal(hsm.verifyHmac(sealedA, m, sign(a, m)), true);
    assert.equal(hsm.verifyHmac(sealedB, m, sign(b, m)), true);
    assert.equal(hsm.verifyHmac(sealedA, m, sign(b, m)), false);
    assert.equal(hsm.verifyHmac(sealedB, m, sign(a, m)), false);
    const rotated = randomBytes(32);
    const sealedRotated = hsm.seal('client-secret', rotated);
    assert.equal(hsm.verifyHmac(sealedRotated, m, sign(a, m)), false);
    assert.equal(hsm.verifyHmac(sealedRotated, m, sign(rotated, m)), true);
  });

  it('still refuses a tampered sealed secret, one sealed for another domain, and a malformed signature', () => {
    const secret = randomBytes(32);
    const sealed = hsm.seal('client-secret', secret);
    const m = 'POST\n/y\n2\n';
    assert.equal(hsm.verifyHmac(sealed, m, sign(secret, m)), true); // now opened and kept
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    assert.throws(() => hsm.verifyHmac(tampered, m, sign(secret, m)));
    assert.throws(() => hsm.verifyHmac(hsm.seal('pii', secret), m, sign(secret, m)));
    assert.throws(() => new SoftwareHsm(randomBytes(32)).verifyHmac(sealed, m, sign(secret, m)));
    assert.equal(hsm.verifyHmac(sealed, m, 'zz'), false);
    assert.equal(hsm.verifyHmac(sealed, m, sign(secret, m).toUpperCase()), true);
  });

  it('answers the same after more clients than it keeps', () => {
    const first = randomBytes(32);
    const sealedFirst = hsm.seal('client-secret', first);
    const m = 'POST\n/z\n3\n';
    assert.equal(hsm.verifyHmac(sealedFirst, m, sign(first, m)), true);
    for (let i = 0; i < 600; i++) {
      const s = randomBytes(32);
      assert.equal(hsm.verifyHmac(hsm.seal('client-secret', s), m, sign(s, m)), true);
    }
    assert.equal(hsm.verifyHmac(sealedFirst, m, sign(first, m)), true);
    assert.equal(hsm.verifyHmac(sealedFirst, m, sign(randomBytes(32), m)), false);
  });
});
