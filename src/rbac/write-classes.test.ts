import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AXL_WRITE_VERBS, READ_CLI_PREFIXES, isAxlRead, isCliRead, isCupiRead, isWriteTarget, profileMayWrite } from './write-classes.ts';
import { parseProfile } from './parse-profile.ts';
import { DEFAULT_PROFILES } from './sync-default-profiles.ts';

const load = (name: string) => {
  const r = parseProfile(readFileSync(`profiles/_default/${name}.json`, 'utf8'), name, true);
  assert.ok(r.ok, name);
  return r.profile;
};

test('every AXL prefix and exact name of every shipped profile is classified: get/list and SQL queries read, the rest write', () => {
  for (const name of DEFAULT_PROFILES) {
    const p = load(name);
    for (const section of [p.cucm?.axl, p.imp?.axl]) {
      for (const prefix of section?.allowed_prefixes ?? []) assert.equal(isWriteTarget('axl', { axlOperation: `${prefix}Phone` }), prefix !== 'get' && prefix !== 'list', `${name}: ${prefix}`);
      for (const op of section?.allowed_exact ?? []) assert.equal(isWriteTarget('axl', { axlOperation: op }), !['executeSQLQuery', 'executeSQLQueryInactive'].includes(op), `${name}: ${op}`);
    }
  }
  for (const v of AXL_WRITE_VERBS) assert.equal(isAxlRead(`${v}Line`), false, v);
  assert.equal(isAxlRead('executeSQLUpdate'), false);
});

test('unknown and look-alike AXL names fail closed as writes', () => {
  for (const op of ['getaway', 'listing', 'frobnicatePhone', 'GetPhone', 'executeSQLQueryX', 'doLdapSync', 'wipePhone', 'lockPhone', 'unassignPresenceUser']) assert.equal(isAxlRead(op), false, op);
  assert.equal(isWriteTarget('axl', {}), true, 'no operation named: fail closed');
});

test('CUPI: GET reads; POST, PUT, DELETE (and anything else) write', () => {
  assert.equal(isCupiRead('GET /vmrest/users'), true);
  for (const m of ['POST', 'PUT', 'DELETE', 'PATCH']) assert.equal(isWriteTarget('cupi', { cupiRequest: `${m} /vmrest/users/x` }), true, m);
});

test('CLI: the read-only list matches on word boundaries; every other command writes', () => {
  for (const c of READ_CLI_PREFIXES) assert.equal(isCliRead(c), true, c);
  for (const c of ['show status', '  SHOW   version active', 'utils ntp status', 'utils dbreplication runtimestate', 'utils diagnose test', 'file list activelog /', 'file view activelog x', 'file search activelog a b']) assert.equal(isCliRead(c), true, c);
  for (const c of ['utils system restart', 'utils service restart Cisco Tftp', 'utils ntp', 'utils ntp statusx', 'showx', 'set network dns primary 1.1.1.1', 'file delete activelog x', 'file get activelog x', 'utils dbreplication reset all', 'delete account x', 'run sql update device set name=1', 'license upload']) {
    assert.equal(isWriteTarget('ssh', { sshCommand: c }), true, c);
  }
});

test('which shipped profiles can write with which protocol (drives per-profile annotations)', () => {
  const may = (n: string) => [profileMayWrite(load(n), 'cucm', 'axl'), profileMayWrite(load(n), 'cucm', 'ssh'), profileMayWrite(load(n), 'cuc', 'cupi')];
  assert.deepEqual(may('admin'), [true, true, true]);
  assert.deepEqual(may('operator'), [true, false, true]);
  assert.deepEqual(may('auditor'), [false, false, false]);
  assert.deepEqual(may('approver'), [false, false, false], 'the approver has no writes of its own');
});
