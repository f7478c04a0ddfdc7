import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { withScratchLab } from '../../lab/testing/scratch-lab.ts';
import { parseNodeInventory } from '../parse-node-inventory.ts';
import { loadTlsPolicies } from '../tls-policy.ts';
import { validateEnv } from '../../config/load-config.ts';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { downloadAxlToolkit, installAxlToolkit } from './axl-toolkit.ts';
import { AxlSchemas, schemaVersionFor } from './axl-schemas.ts';
import { AppError } from '../../lib/errors.ts';

test('the AXL toolkit downloaded from a node installs per version and is preferred by AxlSchemas', async () => {
  await withScratchLab('aibridge-tk-', { seed: 3, phones: 2, version: '12.5' }, async (lab, labDir) => {
    const env = validateEnv(parseEnv(readFileSync(join(labDir, 'lab.env'), 'utf8')) as Record<string, string>).env;
    const node = parseNodeInventory(env).find((n) => n.product === 'cucm' && n.role === 'publisher')!;
    const creds = lab.description.nodes[0]!;
    const zip = await downloadAxlToolkit(node, { user: creds.username, password: creds.password }, { tls: loadTlsPolicies(env, labDir).cucm, timeoutMs: 60_000 }); // the lab zips the toolkit on request: seconds on a loaded host
    const dir = mkdtempSync(join(tmpdir(), 'aibridge-tk-dir-'));
    const versions = installAxlToolkit(zip, dir);
    assert.ok(versions.includes('12.5'));
    const schemas = new AxlSchemas(dir);
    assert.ok(schemas.available().includes('12.5'));
    assert.ok(schemas.get('12.5').operations.includes('getPhone'));
  });
});

test('installAxlToolkit() writes only the schema files under names it chooses (no zip-slip)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-tk-slip-'));
  const x = strToU8('<x/>');
  const zip = Buffer.from(zipSync({ '../../evil/schema/11.5/AXLSoap.xsd': x, 'a/schema/11.5/AXLAPI.wsdl': x, 'a/schema/11.5/AXLEnums.xsd': x, 'a/schema/11.5/evil.sh': x, 'a/schema/../../x/AXLSoap.xsd': x }));
  assert.deepEqual(installAxlToolkit(zip, dir), ['11.5']);
  assert.ok(existsSync(join(dir, '11.5', 'AXLSoap.xsd')) && !existsSync(join(dir, '11.5', 'evil.sh')));
  assert.throws(() => installAxlToolkit(Buffer.from('not a zip'), dir), AppError);
  assert.equal(schemaVersionFor('11.5.1.2000-1', ['11.5', '12.5', '14.0']), '11.5');
  assert.equal(schemaVersionFor('14.0.1.13900-155'), '14.0');
  assert.equal(schemaVersionFor('12.5.1'), '12.5');
  assert.equal(schemaVersionFor('15.0.1'), '15.0');
  assert.equal(schemaVersionFor('11.0.1.10000-10'), '11.0');
  assert.equal(schemaVersionFor('12.0.1.23900-9'), '12.0');
  assert.equal(schemaVersionFor('11.5.1.17900-52'), '11.5');
  assert.equal(schemaVersionFor('12.5.1', ['11.5', '14.0']), '11.5', 'never a newer namespace than the node');
  assert.equal(schemaVersionFor('10.5.2.15900-8', ['10.5', '11.0']), '10.5', 'an installed toolkit serves older nodes');
  for (const old of ['10.5.2.15900-8', '9.1.2', '8.6.1']) {
    assert.throws(() => schemaVersionFor(old), (e: unknown) => e instanceof AppError && /This CUCM is \d+\.\d, older than every AXL schema/.test(e.message) && /aibridge schemas fetch/.test(e.hint ?? ''), old);
  }
  assert.throws(() => schemaVersionFor('garbage'), AppError);
});
