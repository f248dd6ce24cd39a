// The map of the code, checked: modules talk through each other's index.ts only, the platform
// imports no module, and no two modules depend on each other (directly or round a longer loop).
// Reads the import lines (static, re-exports, dynamic) of the given files; no compiler needed.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const IMPORT =
  /(?:^|\n|;)\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function sourceFiles(roots: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (/\.tsx?$/.test(e.name)) out.set(p, readFileSync(p, 'utf8'));
    }
  };
  for (const r of roots) walk(r);
  return out;
}

const moduleOf = (file: string): string | null => /^src\/modules\/([^/]+)\//.exec(file)?.[1] ?? null;

export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) out.push(normalize(join(dirname(file), spec)));
  }
  return out;
}

/** Every breach of the rules, each naming the importing file and what it imports. */
export function boundaryViolations(files: Map<string, string>): string[] {
  const problems: string[] = [];
  // module → module → the first import that makes the edge (for the message)
  const edges = new Map<string, Map<string, string>>();
  for (const [file, text] of files) {
    const from = moduleOf(file);
    for (const target of importsOf(file, text)) {
      const to = moduleOf(target);
      if (file.startsWith('src/platform/') && target.startsWith('src/modules/'))
        problems.push(`platform imports a module: ${file} imports ${target}`);
      if (to && to !== from && target !== `src/modules/${to}/index.ts`)
        problems.push(`past a module's index.ts: ${file} imports ${target} (use src/modules/${to}/index.ts)`);
      if (from && to && from !== to) {
        const out = edges.get(from) ?? new Map<string, string>();
        if (!out.has(to)) out.set(to, `${file} → ${target}`);
        edges.set(from, out);
      }
    }
  }
  for (const cycle of cycles(edges)) {
    const steps = cycle.map((m, i) => edges.get(m)!.get(cycle[(i + 1) % cycle.length])!);
    problems.push(`modules import each other: ${[...cycle, cycle[0]].join(' → ')} (${steps.join('; ')})`);
  }
  return problems;
}

// One cycle per strongly connected component of more than one module (Tarjan), in a stable order.
function cycles(edges: Map<string, Map<string, string>>): string[][] {
  const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of [...(edges.get(v)?.keys() ?? [])].sort()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) components.push(c);
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  // within a component, walk a loop from its first module back to itself
  return components.map((c) => {
    const members = new Set(c);
    const start = [...c].sort()[0];
    const path = findLoop(start, start, members, edges, [start], new Set([start]));
    return path ?? c;
  });
}

function findLoop(
  start: string,
  at: string,
  members: Set<string>,
  edges: Map<string, Map<string, string>>,
  path: string[],
  seen: Set<string>,
): string[] | null {
  for (const w of [...(edges.get(at)?.keys() ?? [])].sort()) {
    if (!members.has(w)) continue;
    if (w === start) return path;
    if (seen.has(w)) continue;
    seen.add(w);
    const found = findLoop(start, w, members, edges, [...path, w], seen);
    if (found) return found;
  }
  return null;
}
