import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { classifyAxl, classifyCall, classifyCli, classifyCupi, AXL_WRITE_PREFIXES, CLI_READ_ONLY } from './write-classification.ts';
import { parseProfile } from './parse-profile.ts';
import { DEFAULT_PROFILES } from './sync-default-profiles.ts';

const w = (c: { write: boolean }) => c.write;

test('every AXL write verb of every shipped profile is a write; get/list and SQL queries are reads', () => {
  for (const name of DEFAULT_PROFILES) {
    const r = parseProfile(readFileSync(`profiles/_default/${name}.json`, 'utf8'), name, true);
    assert.ok(r.ok, name);
    for (const section of [r.profile.cucm?.axl, r.profile.imp?.axl]) {
      for (const p of section?.allowed_prefixes ?? []) {
        const op = `${p}Phone`;
        assert.equal(w(classifyAxl(op)), p !== 'get' && p !== 'list', `${name}: ${op}`);
      }
      for (const op of section?.allowed_exact ?? []) assert.equal(w(classifyAxl(op)), op === 'executeSQLUpdate' || !op.startsWith('executeSQL') && !/^(get|list)[A-Z]/.test(op), `${name}: ${op}`);
    }
  }
  for (const v of AXL_WRITE_PREFIXES) assert.ok(w(classifyAxl(`${v}Line`)), v);
  assert.deepEqual(classifyAxl('executeSQLUpdate'), { write: true, kind: 'sql', reason: 'AXL executeSQLUpdate changes the database' });
  for (const op of ['getPhone', 'listPhone', 'executeSQLQuery', 'executeSQLQueryInactive', 'getCCMVersion']) assert.equal(w(classifyAxl(op)), false, op);
});

test('unknown or look-alike AXL names fail closed as writes', () => {
  for (const op of ['getaway', 'listing', 'frobnicatePhone', 'GetPhone', 'executeSQLQueryX', '', 'doLdapSync', 'wipePhone', 'lockPhone', 'unassignPresenceUser']) {
    assert.equal(w(classifyAxl(op)), true, op);
  }
});

test('CUPI: GET reads; POST, PUT and DELETE write', () => {
  assert.equal(w(classifyCupi('GET /vmrest/users')), false);
  for (const m of ['POST', 'PUT', 'DELETE']) assert.equal(w(classifyCupi(`${m} /vmrest/users/x`)), true, m);
  assert.equal(w(classifyCupi('PATCH /vmrest/users/x')), true, 'an unexpected method fails closed');
});

test('CLI: the read-only list on word boundaries; everything else is a write', () => {
  for (const c of CLI_READ_ONLY) assert.equal(w(classifyCli(c)), false, c);
  for (const c of ['show status', '  SHOW   version active', 'utils ntp status', 'utils dbreplication runtimestate', 'utils diagnose test', 'file list activelog /', 'file view activelog x', 'file search activelog a b']) {
    assert.equal(w(classifyCli(c)), false, c);
  }
  for (const c of ['utils system restart', 'utils service restart Cisco Tftp', 'utils ntp', 'utils ntp statusx', 'showx', 'set network dns primary 1.1.1.1', 'file delete activelog x', 'file get activelog x', 'utils dbreplication reset all', 'delete account x', 'run sql update device set name=1', 'license upload']) {
    assert.equal(w(classifyCli(c)), true, c);
  }
});

test('classifyCall() uses the target; a tool can declare itself a write', () => {
  const axl = { name: 'cucm_axl_request', protocol: 'axl' as const };
  assert.equal(w(classifyCall(axl, { axlOperation: 'updatePhone' })), true);
  assert.equal(w(classifyCall(axl, { axlOperation: 'getPhone' })), false);
  assert.equal(w(classifyCall(axl, {})), false, 'describe/operations name no operation');
  assert.equal(w(classifyCall({ name: 'cucm_cli', protocol: 'ssh' }, { sshCommand: 'utils system restart' })), true);
  assert.equal(w(classifyCall({ name: 'cuc_cupi_request', protocol: 'cupi' }, { cupiRequest: 'GET /vmrest/users' })), false);
  assert.equal(w(classifyCall({ name: 'cucm_ris_devices', protocol: 'ris' }, {})), false);
  const declared = classifyCall({ name: 'cucm_service_control', protocol: 'ssh', writes: true }, { sshCommand: 'show status' });
  assert.deepEqual([declared.write, declared.write && declared.kind], [true, 'declared']);
});
