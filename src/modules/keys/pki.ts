// The centre's PKI: a self-signed root CA and the certificates it issues for the centre's own
// signatures (status-list packages first), made with node-forge on first use. Private keys are
// wrapped under the KEK (seal domain 'master-key', as master keys are) in pki_keys and are only
// ever unwrapped into KeyObjects held by the key service: callers get signatures and certificates.
// Other provinces' certificates (public, registered by an administrator) are kept here too, so
// every interchange signature is checked in one place.
import type { Knex } from 'knex';
import forge from 'node-forge';
import { createPrivateKey, randomBytes, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { SoftwareHsm } from './software-hsm.ts';
import { DAY_MS } from '../../platform/clock/clock.ts';

const PKI_LOCK = 3401_0048; // advisory lock: two processes starting together create one CA
const KEY_BITS = 2048;

export type PkiSubject = { network: string; now: Date };
export type PkiHandles = { signer: KeyObject; certificatePem: string; caCertificatePem: string };
export type CertificateInfo = {
  fingerprint: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
};

export class PkiError extends Error {}

export function certificateInfo(pem: string): CertificateInfo {
  const c = new X509Certificate(pem);
  return {
    fingerprint: c.fingerprint256.replaceAll(':', '').toLowerCase(),
    subject: c.subject,
    issuer: c.issuer,
    validFrom: c.validFrom,
    validTo: c.validTo,
  };
}

function name(network: string, cn: string): forge.pki.CertificateField[] {
  return [
    { name: 'countryName', value: 'CN' },
    { name: 'organizationName', value: `ETC customer-service centre ${network}` },
    { name: 'commonName', value: cn },
  ];
}

type Issuer = {
  subject: forge.pki.CertificateField[];
  key: forge.pki.rsa.PrivateKey;
  cert: forge.pki.Certificate;
} | null;

// One certificate: the CA signs itself (issuer null), a leaf is signed by the CA.
function issue(
  subject: forge.pki.CertificateField[],
  keys: forge.pki.rsa.KeyPair,
  issuer: Issuer,
  years: number,
  now: Date,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01' + randomBytes(15).toString('hex'); // positive, unpredictable
  // a day of slack before now: lanes with a slow clock must still accept a fresh certificate
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS);
  cert.validity.notAfter = new Date(now.getTime() + years * 365 * DAY_MS);
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.subject : subject);
  const ca = issuer === null;
  cert.setExtensions([
    { name: 'basicConstraints', cA: ca, critical: true },
    ca
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    ...(issuer
      ? [{ name: 'authorityKeyIdentifier', keyIdentifier: issuer.cert.generateSubjectKeyIdentifier().getBytes() }]
      : []),
  ]);
  cert.sign(issuer ? issuer.key : keys.privateKey, forge.md.sha256.create());
  return cert;
}

async function store(
  trx: Knex.Transaction,
  hsm: SoftwareHsm,
  which: 'ca' | 'status-list',
  key: forge.pki.rsa.PrivateKey,
  cert: forge.pki.Certificate,
): Promise<void> {
  const pem = Buffer.from(forge.pki.privateKeyToPem(key), 'utf8');
  const certificatePem = forge.pki.certificateToPem(cert);
  await trx('pki_keys').insert({
    name: which,
    wrapped_private_key: hsm.seal('master-key', pem),
    certificate_pem: certificatePem,
    fingerprint: certificateInfo(certificatePem).fingerprint,
  });
  pem.fill(0);
}

// Creates whatever is missing (CA, then the status-list signing certificate it issues).
// Returns the names created; idempotent, and safe when several processes start together.
export async function initPki(db: Knex, hsm: SoftwareHsm, subject: PkiSubject): Promise<string[]> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?)', [PKI_LOCK]);
    const have = new Map(
      (await trx('pki_keys').select('name', 'wrapped_private_key', 'certificate_pem')).map((r) => [
        r.name as string,
        r,
      ]),
    );
    const created: string[] = [];
    let ca: Issuer;
    const caRow = have.get('ca');
    if (caRow) {
      const pem = hsm.open('master-key', caRow.wrapped_private_key);
      const cert = forge.pki.certificateFromPem(caRow.certificate_pem);
      ca = {
        subject: cert.subject.attributes as forge.pki.CertificateField[],
        key: forge.pki.privateKeyFromPem(pem.toString('utf8')) as forge.pki.rsa.PrivateKey,
        cert,
      };
      pem.fill(0);
    } else {
      const keys = forge.pki.rsa.generateKeyPair({ bits: KEY_BITS, e: 0x10001 });
      const subjectName = name(subject.network, `ETC ${subject.network} Root CA`);
      const cert = issue(subjectName, keys, null, 20, subject.now);
      await store(trx, hsm, 'ca', keys.privateKey, cert);
      ca = { subject: subjectName, key: keys.privateKey, cert };
      created.push('ca');
    }
    if (!have.has('status-list')) {
      const keys = forge.pki.rsa.generateKeyPair({ bits: KEY_BITS, e: 0x10001 });
      const cert = issue(name(subject.network, `ETC ${subject.network} status-list signing`), keys, ca, 5, subject.now);
      await store(trx, hsm, 'status-list', keys.privateKey, cert);
      created.push('status-list');
    }
    return created;
  });
}

// Unwraps the status-list signing key into a KeyObject (never exported from the key service).
export async function loadPki(db: Knex, hsm: SoftwareHsm): Promise<PkiHandles> {
  const rows = new Map(
    (await db('pki_keys').select('name', 'wrapped_private_key', 'certificate_pem')).map((r) => [r.name as string, r]),
  );
  const leaf = rows.get('status-list');
  const ca = rows.get('ca');
  if (!leaf || !ca) throw new PkiError('the PKI has not been initialised');
  const pem = hsm.open('master-key', leaf.wrapped_private_key);
  try {
    const signer = createPrivateKey({ key: pem, format: 'pem' });
    // a wrong row or a swapped certificate is found now, not by the first lane
    const probe = Buffer.from('pki self-test');
    if (!verify('sha256', probe, new X509Certificate(leaf.certificate_pem).publicKey, sign('sha256', probe, signer)))
      throw new PkiError('the status-list key does not match its certificate');
    if (!new X509Certificate(leaf.certificate_pem).verify(new X509Certificate(ca.certificate_pem).publicKey))
      throw new PkiError('the status-list certificate is not issued by the centre CA');
    return { signer, certificatePem: leaf.certificate_pem, caCertificatePem: ca.certificate_pem };
  } finally {
    pem.fill(0);
  }
}

export async function listPki(db: Knex): Promise<Array<{ name: string; fingerprint: string; createdAt: Date }>> {
  const rows = await db('pki_keys').select('name', 'fingerprint', 'created_at').orderBy('name');
  return rows.map((r) => ({ name: r.name, fingerprint: r.fingerprint, createdAt: r.created_at }));
}

// --- other provinces' certificates -------------------------------------------------------------

export function parsePeerCertificate(pem: string): CertificateInfo {
  let c: X509Certificate;
  try {
    c = new X509Certificate(pem);
  } catch {
    throw new PkiError('not a PEM X.509 certificate');
  }
  if (c.publicKey.asymmetricKeyType !== 'rsa') throw new PkiError('the certificate must carry an RSA public key');
  return certificateInfo(pem);
}

export async function registerPeerCertificate(
  db: Knex,
  network: string,
  pem: string,
  at: Date,
  by: string,
): Promise<CertificateInfo> {
  const info = parsePeerCertificate(pem);
  await db('peer_certificates')
    .insert({
      network,
      certificate_pem: pem.trim() + '\n',
      fingerprint: info.fingerprint,
      registered_at: at,
      registered_by: by,
    })
    .onConflict('network')
    .merge();
  return info;
}

export async function listPeerCertificates(
  db: Knex,
): Promise<Array<{ network: string; fingerprint: string; registeredAt: Date; registeredBy: string }>> {
  const rows = await db('peer_certificates')
    .select('network', 'fingerprint', 'registered_at', 'registered_by')
    .orderBy('network');
  return rows.map((r) => ({
    network: r.network,
    fingerprint: r.fingerprint,
    registeredAt: r.registered_at,
    registeredBy: r.registered_by,
  }));
}

// RSASSA-PKCS1-v1_5 / SHA-256 with the peer's registered certificate. null: no certificate.
export async function verifyPeerSignature(
  db: Knex,
  network: string,
  data: Buffer,
  signatureBase64: string,
): Promise<boolean | null> {
  const row = await db('peer_certificates').where({ network }).first('certificate_pem');
  if (!row) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return false;
  try {
    return verify(
      'sha256',
      data,
      new X509Certificate(row.certificate_pem).publicKey,
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    return false;
  }
}
