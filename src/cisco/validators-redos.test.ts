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

/** T-RX-10: every validator that sees untrusted text stays fast on adversarial 10k–100k inputs. */
function fast(label: string, fn: () => unknown): void {
  const t0 = performance.now();
  try { fn(); } catch { /* refusing is fine; hanging is not */ }
  const ms = performance.now() - t0;
  assert.ok(ms < 250, `${label} took ${ms.toFixed(0)} ms`);
}

test('validators run in bounded time on adversarial 100k-character inputs (T-RX-10)', () => {
  const n = 100_000;
  const inputs = ['a'.repeat(n), `${'a-'.repeat(n / 2)}!`, `/vmrest/${'a/'.repeat(n / 2)}..`, `${'%2e'.repeat(n / 3)}`, `select ${"'a''".repeat(n / 4)}`, `${'/*'.repeat(n / 2)}`, `${'-- \n'.repeat(n / 4)}`, '\u001b['.repeat(n / 2), `${'admin:'.repeat(n / 6)}x`];
  for (const s of inputs) {
    fast('checkCliCommand', () => checkCliCommand(s));
    fast('normaliseCupiPath', () => normaliseCupiPath(s));
    fast('checkSelect', () => checkSelect(`select ${s}`));
    fast('tokenizeSql', () => tokenizeSql(s));
    fast('tokenizeSql 10k', () => tokenizeSql(s.slice(0, 10_000)));
    fast('checkRisItems', () => checkRisItems([s]));
    fast('cleanOutput', () => cleanOutput(s, 'show status'));
    fast('parseNodeInventory', () => parseNodeInventory(validateEnv({ CISCO_NODES: `a:cucm:${s}:c:publisher` }).env));
  }
});
