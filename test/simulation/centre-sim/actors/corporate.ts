// Corporate customers' incoming transfers and their allocation to vehicles: the extension point for
// that capability. Each action it adds must post to the model (Model.post) exactly what the centre
// should journal, so the per-step ledger comparison covers it; until then the list is empty.
import type { Action } from './index.ts';

export const corporateActions: Action[] = [];
