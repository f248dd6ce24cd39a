// The key service: the only holder of key material in the process. Callers get operations
// (MACs, verdicts, sealed blobs), never keys. Card keys are derived on demand:
// Div(master, cardSerial8) — nothing per card is stored.
import type { Knex } from 'knex';
import { cardKey, kcv, mac16 } from '../../platform/crypto/pboc.ts';
import { loadWrappedKeys, type KeyPurpose } from './key-store.ts';
import * as ops from './card-operations.ts';
import { verifyPurchaseTacs, type PurchaseTacCheck } from './purchase-tacs.ts';
import { buildDemoStock, type DemoStockFile, type DemoStockRequest } from './demo-stock.ts';
import { initPki, loadPki, type PkiHandles, type PkiSubject } from './pki.ts';
import { SoftwareHsm } from './software-hsm.ts';
import { createHmac, sign } from 'node:crypto';

export class KeyServiceError extends Error {}

export class KeyService {
  readonly #hsm: SoftwareHsm;
  readonly #masters = new Map<string, Buffer>();
  #pki: PkiHandles | undefined;
  #pkiLoading: Promise<void> | undefined;

  constructor(hsm: SoftwareHsm) {
    this.#hsm = hsm;
  }

  get hsm(): SoftwareHsm {
    return this.#hsm;
  }

  // (Re)loads the master keys from the store, checking each against its stored KCV so that a
  // wrong KEK or a corrupted row is found at start, not at the first card.
  async load(db: Knex): Promise<number> {
    const rows = await loadWrappedKeys(db);
    for (const r of rows) {
      const key = this.#hsm.open('master-key', r.wrapped);
      if (kcv(key).toString('hex').toUpperCase() !== r.kcv)
        throw new KeyServiceError(`master key ${r.purpose} v${r.version} fails its check value`);
      this.#masters.set(`${r.purpose}:${r.version}`, key);
    }
    return rows.length;
  }

  // Readiness probe: the store still answers, and every master key in it opens under this KEK and
  // matches its check value and the one loaded. Says only yes or no; the keys opened are wiped.
  async ready(db: Knex): Promise<boolean> {
    const rows = await loadWrappedKeys(db);
    if (!rows.length) return false;
    for (const r of rows) {
      const key = this.#hsm.open('master-key', r.wrapped);
      try {
        const loaded = this.#masters.get(`${r.purpose}:${r.version}`);
        if (!loaded || !loaded.equals(key) || kcv(key).toString('hex').toUpperCase() !== r.kcv) return false;
      } finally {
        key.fill(0);
      }
    }
    return true;
  }

  latestVersion(purpose: KeyPurpose): number {
    let best = 0;
    for (const id of this.#masters.keys()) {
      const [p, v] = id.split(':');
      if (p === purpose && Number(v) > best) best = Number(v);
    }
    if (best === 0) throw new KeyServiceError(`no ${purpose} master key is loaded`);
    return best;
  }

  #master(purpose: KeyPurpose, version: number): Buffer {
    const key = this.#masters.get(`${purpose}:${version}`);
    if (!key) throw new KeyServiceError(`no ${purpose} master key version ${version}`);
    return key;
  }

  // Derives a medium's key, runs fn with it and wipes it: the derived key never escapes.
  readonly #run: ops.DerivedKeyRunner = (purpose, version, serial8, fn) =>
    this.#withDerived(purpose, version, serial8, fn);

  #withDerived<T>(purpose: KeyPurpose, version: number, serial8: Buffer, fn: (k: Buffer) => T): T {
    const k = cardKey(this.#master(purpose, version), serial8);
    try {
      return fn(k);
    } finally {
      k.fill(0);
    }
  }

  // MAC for a secure-messaging write (04 D6 ... on a card, or an OBU ESAM file): MAC16 with the
  // medium's diversified key and ICV = challenge(4) ‖ 00000000. The command header and data are
  // what the card MACs: CLA INS P1 P2 Lc ‖ data.
  macForFileWrite(
    purpose: 'maintenance' | 'obu-maintenance' | 'obu-vehicle',
    serial8: Buffer,
    command: Buffer,
    challenge4: Buffer,
    version?: number,
  ): { mac: string; keyVersion: number } {
    if (challenge4.length !== 4) throw new KeyServiceError('challenge must be 4 bytes');
    const v = version ?? this.latestVersion(purpose);
    const icv = Buffer.concat([challenge4, Buffer.alloc(4)]);
    const mac = this.#withDerived(purpose, v, serial8, (k) => mac16(k, command, icv));
    return { mac: mac.toString('hex').toUpperCase(), keyVersion: v };
  }

  // Demo mode only (demo-stock.ts): the diversified keys of pre-allocated demo media, for the
  // virtual reader's cards. Refused (demo-mode-required) before any key is derived otherwise.
  demoStock(demo: boolean, req: DemoStockRequest): DemoStockFile {
    return buildDemoStock(
      demo,
      (purpose, version, serial8) =>
        this.#withDerived(purpose, version, serial8, (k) => k.toString('hex').toUpperCase()),
      (p) => this.latestVersion(p),
      req,
    );
  }

  // Online load (ETC-REFERENCE §2). The card's key version selects the load master; the TAC key of
  // the same version is used for the TAC (one key set per version).
  hasKeys(purpose: KeyPurpose, version: number): boolean {
    return this.#masters.has(`${purpose}:${version}`);
  }

  verifyLoadMac1(s: ops.LoadSession & { balance: bigint; mac1: string }): boolean {
    return ops.verifyLoadMac1(this.#run, s);
  }

  issueLoadMac2(s: ops.LoadSession & { hostDate: string; hostTime: string }): string {
    return ops.issueLoadMac2(this.#run, s);
  }

  // MAC1 verified and MAC2 issued with one derivation; null when MAC1 does not verify
  authoriseLoadMacs(s: ops.LoadSession & { balance: bigint; mac1: string; hostDate: string; hostTime: string }) {
    return ops.authoriseLoadMacs(this.#run, s);
  }

  verifyLoadTac(t: ops.LoadTacInput & { tac: string }): boolean {
    return ops.verifyLoadTac(this.#run, t);
  }

  // The TAC the card must have produced: kept with a load confirmed from evidence.
  expectedLoadTac(t: ops.LoadTacInput): string {
    return ops.loadTac(this.#run, t).toString('hex').toUpperCase();
  }

  verifyPurchaseTac(p: ops.PurchaseTacInput): boolean {
    return ops.verifyPurchaseTac(this.#run, p);
  }

  // Lane uploads: one verdict per check, each card's TAC key derived once per batch (purchase-tacs.ts).
  verifyPurchaseTacs(checks: PurchaseTacCheck[]): boolean[] {
    const versions = [...this.#masters.keys()]
      .filter((id) => id.startsWith('tac:'))
      .map((id) => Number(id.slice(4)))
      .sort((a, b) => b - a);
    return verifyPurchaseTacs((v) => this.#masters.get(`tac:${v}`), versions, checks);
  }

  // The centre's PKI (pki.ts): created on first use, then the signing key is held here like the
  // master keys. Call with the global handle, outside any transaction.
  async ensurePki(db: Knex, subject: PkiSubject): Promise<void> {
    if (this.#pki) return;
    this.#pkiLoading ??= (async () => {
      await initPki(db, this.#hsm, subject);
      this.#pki = await loadPki(db, this.#hsm);
    })().finally(() => {
      this.#pkiLoading = undefined;
    });
    await this.#pkiLoading;
  }

  #loadedPki(): PkiHandles {
    if (!this.#pki) throw new KeyServiceError('the PKI is not loaded (ensurePki first)');
    return this.#pki;
  }

  // RSASSA-PKCS1-v1_5 with SHA-256 over the bytes given (ICD §2 trailer), base64.
  signStatusList(data: Buffer | string): string {
    return sign(
      'sha256',
      typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
      this.#loadedPki().signer,
    ).toString('base64');
  }

  // Interchange documents (ICD §3) carry the centre's signature: the same key and certificate.
  signDocument(data: Buffer): string {
    return this.signStatusList(data);
  }

  // The HMAC secret another province issued to this centre: kept sealed; requests to that province
  // are signed here, so the secret never leaves the key service.
  sealPeerSecret(secret: string): Buffer {
    return this.#hsm.seal('peer-secret', Buffer.from(secret, 'utf8'));
  }

  signPeerRequest(sealedSecret: Buffer, stringToSign: Buffer | string): string {
    return createHmac('sha256', this.#hsm.open('peer-secret', sealedSecret)).update(stringToSign).digest('hex');
  }

  statusListCertificatePem(): string {
    return this.#loadedPki().certificatePem;
  }

  caCertificatePem(): string {
    return this.#loadedPki().caCertificatePem;
  }
}
