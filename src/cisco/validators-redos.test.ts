import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCliCommand } from './ssh/cli-command-check.ts';
import { normaliseCupiPath } from './cupi/cupi-path.ts';
import { checkSelect } from './axl/sql-check.ts';
import { tokenizeSql } from './axl/sql-tokens.ts';
import { checkRisItems } from './ris/ris-request.ts';
import { cleanOutput } from './ssh/cli-output.ts';
import { validateEnv } from '../config/load-config.ts';
import { parseNodeInventory } from './parse-node-inventory.ts';
import { assertLinearGrowth } from '../lib/testdata/complexity.ts';

/**
 * T-RX-10: every validator that sees untrusted text stays linear on adversarial 10k–100k inputs.
 * A complexity check, not a time limit: 10× the input may cost at most 40× the CPU time
 * (quadratic work costs 100×; catastrophic backtracking never returns and the runner times out).
 */
const ADVERSARIAL: Array<[string, (n: number) => string]> = [
  ['a…', (n) => 'a'.repeat(n)],
  ['a-a-…!', (n) => `${'a-'.repeat(n / 2)}!`],
  ['/vmrest/a/a/…..', (n) => `/vmrest/${'a/'.repeat(n / 2)}..`],
  ['%2e…', (n) => '%2e'.repeat(Math.floor(n / 3))],
  ["select 'a''…", (n) => `select ${"'a''".repeat(n / 4)}`],
  ['/*/*…', (n) => '/*'.repeat(n / 2)],
  ['-- \\n…', (n) => '-- \n'.repeat(n / 4)],
  ['ESC[…', (n) => '\u001b['.repeat(n / 2)],
  ['admin:admin:…x', (n) => `${'admin:'.repeat(Math.floor(n / 6))}x`],
];

const VALIDATORS: Array<[string, (s: string) => unknown]> = [
  ['checkCliCommand', (s) => checkCliCommand(s)],
  ['normaliseCupiPath', (s) => normaliseCupiPath(s)],
  ['checkSelect', (s) => checkSelect(`select ${s}`)],
  ['tokenizeSql', (s) => tokenizeSql(s)],
  ['checkRisItems', (s) => checkRisItems([s])],
  ['cleanOutput', (s) => cleanOutput(s, 'show status')],
  ['parseNodeInventory', (s) => parseNodeInventory(validateEnv({ CISCO_NODES: `a:cucm:${s}:c:publisher` }).env)],
];

test('validators grow linearly on adversarial 10k → 100k-character inputs (T-RX-10)', () => {
  for (const [shape, make] of ADVERSARIAL) {
    for (const [name, fn] of VALIDATORS) assertLinearGrowth(`${name} on ${shape}`, make, fn, { n: 10_000 });
  }
});

test('the complexity check itself fails a quadratic validator', () => {
  // Each position rescans the rest of the input: n²/2 character reads.
  const quadratic = (s: string): number => { let k = 0; for (let i = 0; i < s.length; i++) for (let j = i; j < s.length; j++) k += s.charCodeAt(j) & 1; return k; };
  assert.throws(() => assertLinearGrowth('quadratic', (n) => 'a'.repeat(n), quadratic, { n: 600 }), /took \d+(\.\d)?× the CPU time/);
});
