// Message templates: each sending module registers its own at load, Chinese text with {param} slots.
// A template renders at send time, so a wording fixed later reaches messages still queued.
export type Template = { sms: string; email?: { subject: string; body: string } };

const templates = new Map<string, Template>();

export function registerTemplates(entries: Record<string, Template>): void {
  for (const [name, t] of Object.entries(entries)) {
    const known = templates.get(name);
    if (known && JSON.stringify(known) !== JSON.stringify(t)) throw new Error(`template ${name} registered twice`);
    templates.set(name, t);
  }
}

export function hasTemplate(name: string): boolean {
  return templates.has(name);
}

const fill = (text: string, params: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (slot, key: string) => (key in params ? params[key]! : slot));

export function render(
  name: string,
  channel: 'sms' | 'email',
  params: Record<string, string>,
): { subject: string | null; text: string } {
  const t = templates.get(name);
  // a programming error (the sender never registered it), not a caller's: no code for a client
  if (!t) throw new Error(`no notification template ${name}`);
  if (channel === 'email' && t.email)
    return { subject: fill(t.email.subject, params), text: fill(t.email.body, params) };
  return { subject: null, text: fill(t.sms, params) };
}
