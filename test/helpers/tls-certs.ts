// A small certificate authority for tests of mutual TLS: a CA, and certificates it signs for a server
// (with its IP/DNS names) or a client. Keys are made by node's crypto, certificates by node-forge.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export type Issued = { certPem: string; keyPem: string };

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    keyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

let serial = 1;
function certificate(
  subject: string,
  publicKey: forge.pki.PublicKey,
  issuer: { name: string; keyPem: string },
  extensions: object[],
): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = String(++serial).padStart(2, '0');
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 30 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer([{ name: 'commonName', value: issuer.name }]);
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(issuer.keyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export function testCa(name: string) {
  const ca = keyPair();
  const caPem = certificate(name, ca.publicKey, { name, keyPem: ca.keyPem }, [
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true },
  ]);
  const issue = (subject: string, extensions: object[]): Issued => {
    const k = keyPair();
    return { certPem: certificate(subject, k.publicKey, { name, keyPem: ca.keyPem }, extensions), keyPem: k.keyPem };
  };
  return {
    caPem,
    server: (host: string) =>
      issue(host, [
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [/^\d+\.\d+\.\d+\.\d+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host }],
        },
      ]),
    client: (subject: string) =>
      issue(subject, [
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', clientAuth: true },
      ]),
  };
}
