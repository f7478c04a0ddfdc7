import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { withScratchLab } from '../../lab/testing/scratch-lab.ts';
import { validateEnv } from '../../config/load-config.ts';
import { parseNodeInventory } from '../parse-node-inventory.ts';
import { loadTlsPolicies } from '../tls-policy.ts';
import { AxlClient } from './axl-client.ts';
import { AxlSchemas } from './axl-schemas.ts';

for (const version of ['11.5', '12.0', '12.5', '15.0'] as const) {
  test(`AxlClient detects a ${version} node with getCCMVersion and talks to it in the ${version} schema`, async () => {
    await withScratchLab('aibridge-axlv-', { seed: 2, phones: 3, version }, async (lab, dir) => {
      const env = validateEnv(parseEnv(readFileSync(join(dir, 'lab.env'), 'utf8')) as Record<string, string>).env;
      const node = parseNodeInventory(env).find((n) => n.product === 'cucm' && n.role === 'publisher')!;
      const c = lab.description.nodes[0]!;
      const client = new AxlClient({ tls: loadTlsPolicies(env, dir).cucm, schemas: new AxlSchemas(), timeoutMs: 60_000, maxBytes: 8 << 20 });
      const login = { user: c.username, password: c.password };
      assert.match(await client.detectVersion(node, login), new RegExp(`^${version.replace('.', '\\.')}`));
      const r = await client.call({ node, login, operation: 'listPhone', args: { searchCriteria: { name: '%' }, returnedTags: { name: '' } } });
      assert.equal(r.version, version);
      assert.ok(Array.isArray((r.result as { phone: unknown[] }).phone));
      const one = (r.result as { phone: Array<{ name: string }> }).phone[0]!.name;
      const g = await client.call({ node, login, operation: 'getPhone', args: { name: one } });
      assert.equal(g.version, version, 'an older node gets requests in its own namespace');
      assert.equal(client.keepAlive?.idleCount, 1, 'one kept connection served every call');
      client.close();
    });
  });
}
