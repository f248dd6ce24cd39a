// Public face of the keys module.
import './errors.ts';
import './app-context.ts';
export { KeyService, KeyServiceError } from './key-service.ts';
export { DEMO_STOCK_FORMAT, refuseOutsideDemo, type DemoStockFile, type DemoStockRequest } from './demo-stock.ts';
export { SoftwareHsm, type SealDomain } from './software-hsm.ts';
export {
  initKeys,
  importKeys,
  listKeys,
  KeyImportError,
  KEY_PURPOSES,
  type KeyPurpose,
  type KeyListing,
} from './key-store.ts';
export {
  initPki,
  listPki,
  certificateInfo,
  parsePeerCertificate,
  registerPeerCertificate,
  listPeerCertificates,
  verifyPeerSignature,
  PkiError,
  type PkiSubject,
  type CertificateInfo,
} from './pki.ts';
export { keyRoutes } from './routes.ts';
