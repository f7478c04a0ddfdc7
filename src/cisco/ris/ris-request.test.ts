import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRisRequest, RIS_NS } from './ris-request.ts';
import { readRisAnswer } from './ris-answer.ts';
import { parseSoapAnswer } from '../soap/soap-response.ts';
import { AppError } from '../../lib/errors.ts';
import { sharedPath } from '../../lib/testdata/shared-dir.ts';

/** The schema embedded in Cisco's RISService70.wsdl, as a standalone XSD (with the prefixes it uses bound). */
function risXsd(dir: string): string {
  const wsdl = readFileSync(sharedPath('cisco', 'ris', 'RISService70.wsdl'), 'utf8');
  const schema = wsdl.slice(wsdl.indexOf('<schema '), wsdl.indexOf('</schema>') + 9)
    .replace('<schema ', `<schema xmlns:tns="${RIS_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" `);
  const f = join(dir, 'ris.xsd');
  writeFileSync(f, schema);
  return f;
}

test('buildRisRequest() writes a selectCmDeviceExt body that xmllint validates against the RIS WSDL schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-ris-'));
  const xml = buildRisRequest({ items: ['SEP0011*', 'SEP001122334455'], selectBy: 'Name', deviceClass: 'Phone', status: 'Registered', model: 255, max: 200, stateInfo: '<StateInfo><Node Name="cm" SubsystemStartTime="1" StateId="2" TotalItemsFound="0" TableHash="x"/></StateInfo>' });
  const body = xml.slice(xml.indexOf('<soapenv:Body>') + 14, xml.indexOf('</soapenv:Body>')).replace('<soap:selectCmDeviceExt', `<soap:selectCmDeviceExt xmlns:soap="${RIS_NS}"`);
  writeFileSync(join(dir, 'req.xml'), body);
  execFileSync('xmllint', ['--noout', '--schema', risXsd(dir), join(dir, 'req.xml')], { stdio: 'pipe' });
  assert.ok(xml.includes('&lt;StateInfo&gt;'), 'StateInfo travels as escaped text');
});

test('buildRisRequest() refuses selection items that are not names, IPs or numbers', () => {
  for (const bad of ['</soap:Item><x/>', 'a b', 'x'.repeat(200), 'SEP\u0000']) {
    assert.throws(() => buildRisRequest({ items: [bad], selectBy: 'Name', deviceClass: 'Phone', status: 'Any', model: 255, max: 10 }), (e: unknown) => e instanceof AppError && e.code === 'E_INPUT_INVALID');
  }
});

test('readRisAnswer() merges a device seen on several CM nodes, newest first', () => {
  const dev = (_node: string, ts: number, status: string) => `<ns1:item><ns1:Name>SEP1</ns1:Name><ns1:DirNumber>1000-Registered</ns1:DirNumber><ns1:DeviceClass>Phone</ns1:DeviceClass><ns1:Model>36224</ns1:Model><ns1:Status>${status}</ns1:Status><ns1:TimeStamp>${ts}</ns1:TimeStamp><ns1:IPAddress><ns1:item><ns1:IP>10.0.0.${ts}</ns1:IP><ns1:IPAddrType>ipv4</ns1:IPAddrType></ns1:item></ns1:IPAddress></ns1:item>`;
  const node = (name: string, devs: string) => `<ns1:item><ns1:ReturnCode>Ok</ns1:ReturnCode><ns1:Name>${name}</ns1:Name><ns1:NoChange>false</ns1:NoChange><ns1:CmDevices>${devs}</ns1:CmDevices></ns1:item>`;
  const xml = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns1:selectCmDeviceResponse xmlns:ns1="${RIS_NS}"><ns1:selectCmDeviceReturn><ns1:SelectCmDeviceResult><ns1:TotalDevicesFound>2</ns1:TotalDevicesFound><ns1:CmNodes>${node('cm-pub', dev('cm-pub', 5, 'UnRegistered'))}${node('cm-sub', dev('cm-sub', 9, 'Registered'))}</ns1:CmNodes></ns1:SelectCmDeviceResult><ns1:StateInfo>&lt;StateInfo/&gt;</ns1:StateInfo></ns1:selectCmDeviceReturn></ns1:selectCmDeviceResponse></soapenv:Body></soapenv:Envelope>`;
  const ans = parseSoapAnswer(xml, 'cm-pub');
  assert.ok(ans.ok);
  const r = readRisAnswer(ans.value);
  assert.equal(r.devices.length, 1);
  assert.equal(r.devices[0]!.cmNode, 'cm-sub');
  assert.equal(r.devices[0]!.ip, '10.0.0.9');
  assert.equal(r.stateInfo, '<StateInfo/>');
  assert.equal(r.total, 1, 'TotalDevicesFound counts the device once per node; total_found counts it once');
  assert.equal(r.duplicates, 1);
});
