// The software implementation of the key service's HSM. It holds the KEK and the unwrapped
// master keys in process memory and exposes operations only: nothing here returns a key.
// A PKCS#11 implementation of the same interface is the production plan (docs/ARCHITECTURE.md).
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';

export type SealDomain = 'pii' | 'client-secret' | 'master-key' | 'peer-secret';

const SEAL_VERSION = 1;
// a centre has tens of machine clients; past this many opened secrets the set starts again
const OPENED_CLIENT_SECRETS = 512;

function subkey(kek: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), `etc/${label}/v1`, 32));
}

export class SoftwareHsm {
  readonly #seal: Record<SealDomain, Buffer>;
  readonly #piiIndex: Buffer;
  // Client secrets opened once and kept, as the master keys are, by their sealed form: every machine
  // request is verified with one, and an AES-GCM open per request was more than half the signature
  // check's cost (7.5 µs against 3.3 µs kept). A KeyObject keeps the bytes out of the JavaScript
  // heap; a new or rotated secret is another sealed value, so it is opened afresh, and a tampered one
  // still fails to open.
  readonly #clientSecrets = new Map<string, KeyObject>();

  constructor(kek: Buffer) {
    if (kek.length !== 32) throw new Error('KEK must be 32 bytes');
    this.#seal = {
      pii: subkey(kek, 'seal-pii'),
      'client-secret': subkey(kek, 'seal-client-secret'),
      'master-key': subkey(kek, 'seal-master-key'),
      'peer-secret': subkey(kek, 'seal-peer-secret'),
    };
    this.#piiIndex = subkey(kek, 'pii-index');
  }

  // AES-256-GCM: version(1) ‖ iv(12) ‖ tag(16) ‖ ciphertext. The domain is bound as AAD so a
  // sealed phone number cannot be replayed as a client secret or a key.
  seal(domain: SealDomain, plain: Buffer): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.#seal[domain], iv);
    c.setAAD(Buffer.from(domain));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([Buffer.from([SEAL_VERSION]), iv, c.getAuthTag(), body]);
  }

  open(domain: SealDomain, sealed: Buffer): Buffer {
    if (sealed.length < 29 || sealed[0] !== SEAL_VERSION) throw new Error('sealed value has an unknown format');
    const d = createDecipheriv('aes-256-gcm', this.#seal[domain], sealed.subarray(1, 13));
    d.setAAD(Buffer.from(domain));
    d.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([d.update(sealed.subarray(29)), d.final()]);
  }

  // Keyed hash for equality search over sealed PII (the plain SHA-256 of an ID number is
  // brute-forceable; an HMAC under a secret key is not).
  piiIndex(normalised: string): Buffer {
    return createHmac('sha256', this.#piiIndex).update(normalised, 'utf8').digest();
  }

  // HMAC-SHA256 verification of a machine request with a sealed client secret; nothing of the secret
  // leaves this class.
  verifyHmac(sealedSecret: Buffer, message: string, signatureHex: string): boolean {
    if (!/^[0-9a-fA-F]{64}$/.test(signatureHex)) return false;
    const expected = createHmac('sha256', this.#clientSecret(sealedSecret)).update(message, 'utf8').digest();
    return timingSafeEqual(expected, Buffer.from(signatureHex, 'hex'));
  }

  #clientSecret(sealed: Buffer): KeyObject {
    const id = sealed.toString('latin1');
    let key = this.#clientSecrets.get(id);
    if (!key) {
      const secret = this.open('client-secret', sealed);
      key = createSecretKey(secret);
      secret.fill(0);
      if (this.#clientSecrets.size >= OPENED_CLIENT_SECRETS) this.#clientSecrets.clear();
      this.#clientSecrets.set(id, key);
    }
    return key;
  }
}
