/**
 * The lab's getPhone answers as CUCM's do: every RPhone element of the version's schema, lines with
 * their ring and call-info settings, uuid references, empty references and containers — and valid
 * against that version's AXLSoap.xsd (xmllint), for every version the lab serves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDataset } from '../dataset.ts';
import { axlSchema } from './axl-schemas.ts';
import { runCrud } from './axl-crud.ts';
import { parseXml } from '../../lib/xsd/xml-tree.ts';
import { XmlWriter } from '../../lib/xsd/xml-writer.ts';
import { writeValue } from '../../lib/xsd/serialize.ts';
import { readAssetText } from '../../lib/assets.ts';
import { validateElement } from '../../lib/xsd/validate.ts';
import { xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import type { XObject } from '../../lib/xsd/xvalue.ts';

const CREDS = { username: 'admin', password: 'x', phoneUser: 'pu', phonePassword: 'y' };

function getPhone(version: '11.5' | '14.0' | '15.0', body: string): { xml: string; phone: XObject } {
  const schema = axlSchema(version);
  const data = buildDataset({ seed: 3, phones: 6, version, cucmNodes: ['cucm-pub', 'cucm-sub1'], credentials: CREDS });
  const name = xText(data.axl.all('Phone')[0]!.name);
  const req = parseXml(`<getPhone><name>${name}</name>${body}</getPhone>`);
  const value = runCrud(schema, data, 'getPhone', req)!.value;
  const w = new XmlWriter();
  writeValue(schema.model, w, { name: 'ns:getPhoneResponse', value: { return: value }, type: schema.model.elementType('getPhoneResponse')!, extraAttrs: { 'xmlns:ns': schema.namespace } });
  return { xml: w.toString(), phone: xObj(xObj(value)!.phone)! };
}

function xmllint(version: string, xml: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-getphone-'));
  try {
    writeFileSync(join(dir, 'AXLSoap.xsd'), readAssetText(`axl/${version}/AXLSoap.xsd`));
    writeFileSync(join(dir, 'doc.xml'), xml);
    execFileSync('xmllint', ['--noout', '--schema', join(dir, 'AXLSoap.xsd'), join(dir, 'doc.xml')], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`xmllint ${version}: ${(err as { stderr?: Buffer }).stderr?.toString() ?? String(err)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const version of ['11.5', '14.0', '15.0'] as const) {
  test(`getPhone ${version} without returnedTags answers every RPhone field, valid against that version's AXLSoap.xsd`, () => {
    const { xml, phone } = getPhone(version, '');
    // xmllint (the reference validator, ~6 s per AXL schema) for the oldest and newest versions; the lab's own validator for all.
    if (version !== '14.0') xmllint(version, xml);
    assert.equal(validateElement(axlSchema(version).model, parseXml(xml), 'getPhoneResponse'), undefined);
    assert.ok(Object.keys(phone).filter((k) => !k.startsWith('@')).length >= 110, `${Object.keys(phone).length} fields`);
    assert.match(xml, /<devicePoolName uuid="\{[0-9A-F-]{36}\}">DP-[A-Z]+<\/devicePoolName>/);
    assert.match(xml, /<commonDeviceConfigName\/>/, 'an unset reference is an empty element');
    assert.match(xml, /<speeddials\/>/, 'an empty container is an empty element');
    assert.match(xml, /<certificateOperation>No Pending Operation<\/certificateOperation>/);
    const l = xObj(xList(xObj(phone.lines)!.line)[0])!;
    assert.equal(xText(l.maxNumCalls), '4');
    assert.equal(xText(l.busyTrigger), '2');
    assert.equal(xText(l.ringSetting), 'Ring');
    assert.equal(xText(xObj(l.callInfoDisplay)?.callerName), 'true');
    assert.match(xml, /<dirn uuid="\{[0-9A-F-]{36}\}"><pattern>\d+<\/pattern><routePartitionName uuid="\{[0-9A-F-]{36}\}">PT-Internal<\/routePartitionName><\/dirn>/);
  });
}

test('getPhone with returnedTags still answers only those (now with CUCM\'s values for what the lab did not store)', () => {
  const { xml, phone } = getPhone('14.0', '<returnedTags><name/><packetCaptureMode/><lines><line><index/><maxNumCalls/></line></lines></returnedTags>');
  assert.deepEqual(Object.keys(phone).filter((k) => !k.startsWith('@')), ['name', 'packetCaptureMode', 'lines']);
  assert.match(xml, /<lines><line><index>1<\/index><maxNumCalls>4<\/maxNumCalls><\/line><\/lines><packetCaptureMode>None<\/packetCaptureMode>/, 'in schema order');
  assert.equal(validateElement(axlSchema('14.0').model, parseXml(xml), 'getPhoneResponse'), undefined);
});
