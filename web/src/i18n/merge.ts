// Deep merge of message trees: an area's file may add keys under any branch of the main file
// (`error.codes.<code>` above all) without replacing that branch. Plain objects merge key by key;
// anything else (a string, an array) is taken from the later tree. Kept free of Vite so the
// completeness check in test/unit can use it on the files themselves.
export type Messages = { [key: string]: unknown };

const isTree = (v: unknown): v is Messages => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeMessages(base: Messages, ...more: Messages[]): Messages {
  const out: Messages = { ...base };
  for (const tree of more)
    for (const [k, v] of Object.entries(tree)) {
      const have = out[k];
      out[k] = isTree(have) && isTree(v) ? mergeMessages(have, v) : v;
    }
  return out;
}
