// The module boundaries of docs/ARCHITECTURE.md, enforced: a breach fails the suite with the file
// and the import that breaks the rule.
import assert from 'node:assert/strict';
import { boundaryViolations, sourceFiles } from '../helpers/boundaries.ts';

describe('module boundaries', () => {
  it('src/, lanes-sim/ and bank-adapters/ keep them: no cycle, no inner import, platform imports no module', () => {
    const files = sourceFiles(['src', 'lanes-sim', 'bank-adapters']);
    assert.ok(files.size > 150, 'the sources were read');
    assert.deepEqual(boundaryViolations(files), []);
  });

  it('names a platform file importing a module', () => {
    const files = new Map([
      ['src/platform/http/auth.ts', "import type { SoftwareHsm } from '../../modules/keys/index.ts';"],
    ]);
    assert.deepEqual(boundaryViolations(files), [
      'platform imports a module: src/platform/http/auth.ts imports src/modules/keys/index.ts',
    ]);
  });

  it("names an import past another module's index.ts, from a module or from outside", () => {
    const files = new Map([
      ['src/modules/statuslist/monitoring.ts', "import { listLanes } from '../lanes/network.ts';"],
      ['lanes-sim/traffic/uploads.ts', "import {\n  largestRemainder,\n} from '../../src/modules/clearing/split.ts';"],
      ['src/modules/lanes/ingest.ts', "import { x } from './ingest-store.ts';\nimport { y } from '../topup/index.ts';"],
    ]);
    assert.deepEqual(boundaryViolations(files), [
      "past a module's index.ts: src/modules/statuslist/monitoring.ts imports src/modules/lanes/network.ts (use src/modules/lanes/index.ts)",
      "past a module's index.ts: lanes-sim/traffic/uploads.ts imports src/modules/clearing/split.ts (use src/modules/clearing/index.ts)",
    ]);
  });

  it('names a cycle between modules with the imports that make it, also round three modules', () => {
    const files = new Map([
      ['src/modules/lanes/ingest.ts', "import { assignClearingDates } from '../clearing/index.ts';"],
      ['src/modules/clearing/steps.ts', "export { a } from '../interchange/index.ts';"],
      ['src/modules/interchange/routes.ts', "const m = await import('../lanes/index.ts');"],
      ['src/modules/customers/customers.ts', "import type { X } from '../issuance/index.ts';"],
      ['src/modules/issuance/card-service.ts', "import { getCustomer } from '../customers/index.ts';"],
    ]);
    assert.deepEqual(boundaryViolations(files), [
      'modules import each other: clearing → interchange → lanes → clearing (src/modules/clearing/steps.ts → src/modules/interchange/index.ts; src/modules/interchange/routes.ts → src/modules/lanes/index.ts; src/modules/lanes/ingest.ts → src/modules/clearing/index.ts)',
      'modules import each other: customers → issuance → customers (src/modules/customers/customers.ts → src/modules/issuance/index.ts; src/modules/issuance/card-service.ts → src/modules/customers/index.ts)',
    ]);
  });
});
