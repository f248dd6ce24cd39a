// The key service is one of the application's long-lived services: every handler reaches it as
// ctx.app.keys. Declared here, not in the platform, so the platform imports no module.
import type { KeyService } from './key-service.ts';

declare module '../../platform/http/context.ts' {
  interface AppContext {
    keys: KeyService;
  }
}
