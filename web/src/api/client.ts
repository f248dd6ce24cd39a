// One fetch wrapper: the bearer token from sessionStorage, JSON in and out, errors as ApiError
// (code, message, field) and a 401 sends the user back to the login screen.
import type { ApiErrorBody } from './types.ts';

const TOKEN = 'etc.console.token';
const USER = 'etc.console.user';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const session = {
  token: () => sessionStorage.getItem(TOKEN),
  user: (): { username: string; role: string; displayName?: string } | null => {
    const raw = sessionStorage.getItem(USER);
    return raw ? JSON.parse(raw) : null;
  },
  set(token: string, user: { username: string; role: string; displayName?: string }) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(USER, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(USER);
  },
};

let onUnauthorised: () => void = () => {};
export const setUnauthorisedHandler = (f: () => void) => {
  onUnauthorised = f;
};

export async function api<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  // money movements carry a key so a repeated click or a retried request moves money once
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && path !== '/api/v1/sessions') {
    session.clear();
    onUnauthorised();
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const e = (data as ApiErrorBody | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? 'http-' + res.status, e?.message ?? res.statusText, e?.field);
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const newKey = () => crypto.randomUUID();
// Every POST carries an Idempotency-Key (the service requires one on POSTs that move money): the
// caller's, when one action may be sent twice, or a fresh one for this request.
export const post = <T>(path: string, body?: unknown, idempotencyKey: string = newKey()) =>
  api<T>('POST', path, body ?? {}, idempotencyKey);

export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
