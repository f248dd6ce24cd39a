// Every business module's routes, in one list for the app and the OpenAPI document.
import type { RouteDef } from '../platform/http/route.ts';

export function moduleRoutes(): RouteDef[] {
  return [];
}
