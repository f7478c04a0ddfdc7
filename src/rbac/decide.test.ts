import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decide } from './decide.ts';
import type { RbacTool } from './decide.ts';
import { parseProfile } from './parse-profile.ts';
import type { Profile } from './profile-schema.ts';

function load(name: string): Profile {
  const r = parseProfile(readFileSync(`profiles/_default/${name}.json`, 'utf8'), name, true);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return r.profile;
}
const admin = load('admin');
const operator = load('operator');
const auditor = load('auditor');

const AXL: RbacTool = { name: 'cucm_axl_request', product: 'cucm', protocol: 'axl' };
const IMP_AXL: RbacTool = { name: 'imp_axl_request', product: 'imp', protocol: 'axl' };
const CLI: RbacTool = { name: 'cucm_cli', product: 'cucm', protocol: 'ssh' };
const CUC_CLI: RbacTool = { name: 'cuc_cli', product: 'cuc', protocol: 'ssh' };
const RIS: RbacTool = { name: 'cucm_ris', product: 'cucm', protocol: 'ris' };
const CUPI: RbacTool = { name: 'cuc_cupi', product: 'cuc', protocol: 'cupi' };
const PHONE: RbacTool = { name: 'phone_screenshot', product: 'cucm', protocol: 'phone' };
const REPORT: RbacTool = { name: 'credentials_status', product: 'common', protocol: 'report' };

const allowed = (p: Profile, t: RbacTool, target: object) => decide(p, t, target).allowed;

test('the default profiles validate under PROFILE_SCHEMA_STRICT=1 and carry the spec table limits', () => {
  const limits = (p: Profile) => [p.cucm?.axl?.rate_limit, p.cucm?.ssh?.rate_limit, p.cucm?.ris?.rate_limit, p.cucm?.phone?.rate_limit, p.common?.report?.rate_limit];
  assert.deepEqual(limits(admin), [60, 5, 20, 10, 60]);
  assert.deepEqual(limits(operator), [30, 5, 20, 10, 30]);
  assert.deepEqual(limits(auditor), [30, 5, 20, 5, 30]);
  assert.deepEqual(admin.product_scope, ['all']);
  assert.deepEqual(operator.product_scope, ['cucm', 'imp', 'cuc']);
});

test('decide() applies AXL prefixes and exact names per profile', () => {
  assert.ok(allowed(admin, AXL, { axlOperation: 'removePhone' }));
  assert.ok(allowed(admin, AXL, { axlOperation: 'executeSQLUpdate' }));
  assert.ok(allowed(operator, AXL, { axlOperation: 'updatePhone' }));
  assert.ok(allowed(operator, AXL, { axlOperation: 'executeSQLQuery' }));
  assert.ok(!allowed(operator, AXL, { axlOperation: 'executeSQLUpdate' }));
  assert.ok(!allowed(operator, AXL, { axlOperation: 'updateLine' }));
  assert.ok(!allowed(operator, AXL, { axlOperation: 'removePhone' }));
  assert.ok(!allowed(auditor, AXL, { axlOperation: 'addPhone' }));
  assert.ok(allowed(auditor, IMP_AXL, { axlOperation: 'listPhone' }));
  assert.ok(!allowed(auditor, AXL, { axlOperation: 'GetPhone' }), 'AXL names are case-sensitive');
  const d = decide(operator, AXL, { axlOperation: 'executeSQLUpdate' });
  assert.equal(d.allowed, false);
  assert.match(d.rule, /cucm\.axl/);
});

test('decide() matches SSH prefixes on word boundaries only', () => {
  assert.ok(allowed(operator, CLI, { sshCommand: 'show status' }));
  assert.ok(allowed(operator, CLI, { sshCommand: 'show' }));
  assert.ok(allowed(operator, CLI, { sshCommand: '  SHOW   version active ' }));
  assert.ok(!allowed(operator, CLI, { sshCommand: 'showx' }));
  assert.ok(!allowed(operator, CLI, { sshCommand: 'utils service restart Cisco Tftp' }));
  assert.ok(allowed(auditor, CLI, { sshCommand: 'utils ntp status' }));
  assert.ok(!allowed(auditor, CLI, { sshCommand: 'utils ntp statusx' }));
  assert.ok(!allowed(auditor, CLI, { sshCommand: 'utils ntp' }), 'a shorter command than the prefix is not allowed');
  assert.ok(allowed(admin, CLI, { sshCommand: 'utils system restart' }));
  assert.ok(allowed(operator, CLI, {}), 'listing needs only the section');
});

test('decide() denies SSH when the product has no ssh section', () => {
  const custom: Profile = { description: '', product_scope: ['cucm', 'cuc'], cucm: { axl: { rate_limit: 1, allowed_prefixes: ['get'] } }, cuc: { ssh: { rate_limit: 1, allowed_prefixes: ['show'] } } };
  const d = decide(custom, CLI, { sshCommand: 'show status' });
  assert.equal(d.allowed, false);
  assert.equal(d.rule, 'cucm.ssh');
  assert.ok(allowed(custom, CUC_CLI, { sshCommand: 'show status' }));
});

test('decide() refuses products outside product_scope even when a section exists', () => {
  const custom: Profile = { description: '', product_scope: ['imp'], cucm: { axl: { rate_limit: 1, allowed_prefixes: ['get'] } } };
  const d = decide(custom, AXL, { axlOperation: 'getPhone' });
  assert.deepEqual([d.allowed, d.rule], [false, 'product_scope']);
  assert.equal(decide(custom, AXL, { product: 'imp', axlOperation: 'getPhone' }).rule, 'imp.axl');
});

test('decide() applies RIS device class and status filters', () => {
  assert.ok(allowed(operator, RIS, { risDeviceClasses: ['Phone'], risStatuses: ['Registered'] }));
  assert.ok(!allowed(operator, RIS, { risDeviceClasses: ['Any'] }));
  assert.ok(!allowed(operator, RIS, { risDeviceClasses: ['Gateway'] }));
  assert.ok(!allowed(operator, RIS, {}), 'asking for every class is filtered');
  assert.ok(allowed(auditor, RIS, { risDeviceClasses: ['Any'] }));
  const custom: Profile = { description: '', product_scope: ['cucm'], cucm: { ris: { rate_limit: 1, allowed_statuses: ['Registered'] } } };
  assert.ok(allowed(custom, RIS, { risDeviceClasses: ['Any'], risStatuses: ['Registered'] }));
  assert.ok(!allowed(custom, RIS, { risStatuses: ['UnRegistered'] }));
});

test('decide() applies CUPI "METHOD /path" prefixes on path-segment boundaries', () => {
  assert.ok(allowed(operator, CUPI, { cupiRequest: 'GET /vmrest/users' }));
  assert.ok(allowed(operator, CUPI, { cupiRequest: 'PUT /vmrest/users/abc-123' }));
  assert.ok(allowed(operator, CUPI, { cupiRequest: 'PUT /vmrest/handlers/callhandlers/x' }));
  assert.ok(!allowed(operator, CUPI, { cupiRequest: 'PUT /vmrest/userstemplates/x' }));
  assert.ok(!allowed(operator, CUPI, { cupiRequest: 'DELETE /vmrest/users/abc' }));
  assert.ok(!allowed(operator, CUPI, { cupiRequest: 'PUT /vmrest/users/../distributionlists' }));
  assert.ok(!allowed(operator, CUPI, { cupiRequest: 'PUT /vmrest/users/%2e%2e/x' }));
  assert.ok(!allowed(operator, CUPI, { cupiRequest: 'put /vmrest/users/x' }), 'methods are upper case after normalisation');
  assert.ok(!allowed(auditor, CUPI, { cupiRequest: 'POST /vmrest/users' }));
  assert.ok(allowed(admin, CUPI, { cupiRequest: 'DELETE /vmrest/users/x' }));
  assert.ok(!allowed(admin, CUPI, { cupiRequest: 'GET /notvmrest/x' }));
});

test('decide() applies phone actions and the common.report section', () => {
  assert.ok(allowed(auditor, PHONE, { phoneAction: 'screenshot' }));
  const noPhone: Profile = { description: '', product_scope: ['cucm'], cucm: { axl: { rate_limit: 1 } } };
  assert.equal(decide(noPhone, PHONE, { phoneAction: 'screenshot' }).rule, 'cucm.phone');
  assert.equal(decide(noPhone, REPORT, {}).rule, 'common.report');
  assert.ok(allowed(operator, REPORT, {}));
  assert.ok(allowed(noPhone, { ...REPORT, name: 'aibridge_whoami', introspection: true }, {}));
});

test('decide() allows "help <command>" for every profile that may run any CLI command, and only then', () => {
  for (const p of [operator, auditor]) {
    assert.ok(allowed(p, CLI, { sshCommand: 'help utils service restart' }));
    assert.ok(allowed(p, CLI, { sshCommand: 'help' }));
    assert.ok(!allowed(p, CLI, { sshCommand: 'helpx utils' }));
  }
  const none = { ...operator, cucm: { ...operator.cucm, ssh: { rate_limit: 5, allowed_prefixes: [] } } } as typeof operator;
  assert.ok(!allowed(none, CLI, { sshCommand: 'help show status' }));
});

test('listing a RIS tool asks whether any class and status is allowed, a call names them (operator: Phone only)', () => {
  assert.equal(decide(operator, RIS, {}, 'list').allowed, true, 'the operator is offered RIS');
  assert.equal(decide(operator, RIS, {}, 'call').allowed, false, 'a call that names no class is not "everything"');
  assert.equal(decide(operator, RIS, { risDeviceClasses: ['Phone'], risStatuses: ['Any'] }, 'call').allowed, true);
  assert.equal(decide(operator, RIS, { risDeviceClasses: ['Gateway'], risStatuses: ['Any'] }, 'list').allowed, false);
  const closed = { ...operator, cucm: { ...operator.cucm, ris: { rate_limit: 5, allowed_device_classes: [] } } } as Profile;
  assert.equal(decide(closed, RIS, {}, 'list').allowed, false, 'an empty allow-list lists nothing');
});

test('decide() serviceability: each API its own section; operator restarts only the short list; admin controls all', () => {
  const SVC: RbacTool = { name: 'cucm_service_control', product: 'cucm', protocol: 'serviceability' };
  for (const api of ['status', 'logs', 'perfmon', 'cdr'] as const) {
    for (const p of [admin, operator, auditor]) assert.ok(allowed(p, SVC, { serviceabilityApi: api }), api);
  }
  assert.ok(!allowed(auditor, SVC, { serviceabilityApi: 'control' }));
  assert.equal(decide(auditor, SVC, { serviceabilityApi: 'control' }).rule, 'cucm.serviceability.control');
  assert.ok(allowed(operator, SVC, { serviceabilityApi: 'control' }), 'listed to the operator');
  assert.ok(allowed(operator, SVC, { serviceabilityApi: 'control', services: ['Cisco Tftp'], serviceAction: 'Restart' }));
  assert.ok(allowed(operator, SVC, { serviceabilityApi: 'control', services: ['cisco tftp'], serviceAction: 'Restart' }), 'names compare case-insensitively');
  for (const critical of ['Cisco CallManager', 'Cisco CTIManager', 'A Cisco DB', 'Cisco Tomcat']) {
    const d = decide(operator, SVC, { serviceabilityApi: 'control', services: ['Cisco Tftp', critical], serviceAction: 'Restart' });
    assert.equal(d.allowed, false, critical);
    assert.equal(d.rule, 'cucm.serviceability.control.allowed_services');
  }
  assert.equal(decide(operator, SVC, { serviceabilityApi: 'control', services: ['Cisco Tftp'], serviceAction: 'Stop' }).rule, 'cucm.serviceability.control.allowed_actions');
  assert.ok(allowed(admin, SVC, { serviceabilityApi: 'control', services: ['Cisco CallManager'], serviceAction: 'Stop' }));
  assert.ok(!allowed(admin, SVC, {}), 'a call that names no API is denied');
  const rates = (p: Profile) => ['status', 'logs', 'perfmon', 'cdr', 'control'].map((k) => (p.cucm?.serviceability as Record<string, { rate_limit: number } | undefined>)?.[k]?.rate_limit);
  assert.deepEqual(rates(auditor), [20, 10, 20, 10, undefined]);
  assert.deepEqual(rates(operator), [20, 10, 20, 10, 2]);
  assert.deepEqual(rates(admin), [30, 20, 40, 20, 5]);
});
