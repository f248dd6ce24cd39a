// The demo province: road network (operators, stations, sections with per-class tolls, 10 ETC
// lanes at 5 stations) and one user per staff role. Idempotent: running it again adds nothing.
import type { AppContext } from './platform/http/context.ts';
import { createUser } from './modules/access/index.ts';
import { DEMO_NETWORK_IDS, seedDemoNetwork } from './modules/lanes/index.ts';

export const DEMO_USERS = [
  { username: 'clerk', displayName: 'Demo service-hall clerk', role: 'clerk' },
  { username: 'supervisor', displayName: 'Demo supervisor', role: 'supervisor' },
  { username: 'finance', displayName: 'Demo finance officer', role: 'finance' },
  { username: 'admin', displayName: 'Demo administrator', role: 'admin' },
] as const;

export async function seedDemo(app: AppContext): Promise<{
  network: Awaited<ReturnType<typeof seedDemoNetwork>>;
  users: Array<{ username: string; role: string; password: string }>;
}> {
  // the demo roads of this centre's province (Anhui when there are none for it)
  const network = await seedDemoNetwork(
    app.db,
    DEMO_NETWORK_IDS.includes(app.config.network) ? app.config.network : '3401',
  );
  const users: Array<{ username: string; role: string; password: string }> = [];
  for (const u of DEMO_USERS) {
    if (await app.db('users').where({ username: u.username }).first()) continue;
    const { password } = await createUser(app.db, null, { ...u });
    users.push({ username: u.username, role: u.role, password });
  }
  return { network, users };
}
