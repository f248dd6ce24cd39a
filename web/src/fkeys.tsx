// Function keys: each screen registers its actions; the layout shows them in a bar and one
// keydown listener runs them, so every main action is reachable without a mouse.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

export type FKey = 'F2' | 'F3' | 'F4' | 'F5' | 'F6' | 'F7' | 'F8' | 'F9' | 'F10';
export type FAction = { key: FKey; label: string; run: () => void };

type Registry = { actions: FAction[]; set: (owner: string, actions: FAction[]) => void };
const Ctx = createContext<Registry>({ actions: [], set: () => {} });

export function FKeyProvider({ children }: { children: ReactNode }) {
  const [byOwner, setByOwner] = useState<Record<string, FAction[]>>({});
  const actions = Object.values(byOwner)
    .flat()
    .sort((a, b) => Number(a.key.slice(1)) - Number(b.key.slice(1)));
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = actions.find((x) => x.key === e.key);
      if (a) {
        e.preventDefault();
        a.run();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);
  const set = (owner: string, list: FAction[]) =>
    setByOwner((prev) => {
      const next = { ...prev };
      if (list.length) next[owner] = list;
      else delete next[owner];
      return next;
    });
  return <Ctx.Provider value={{ actions, set }}>{children}</Ctx.Provider>;
}

// Register this screen's keys while it is shown; the label list is the dependency.
export function useFKeys(owner: string, actions: FAction[]) {
  const { set } = useContext(Ctx);
  const sig = actions.map((a) => a.key + a.label).join('|');
  // the handlers read the latest closures through a ref, so state changes need no re-registration
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    set(
      owner,
      latest.current.map((a) => ({ ...a, run: () => latest.current.find((x) => x.key === a.key)?.run() })),
    );
    return () => set(owner, []);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [owner, sig]);
}

export const useFKeyList = () => useContext(Ctx).actions;
