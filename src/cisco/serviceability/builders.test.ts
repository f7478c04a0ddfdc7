import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyElement, xmllintAgainstWsdl } from '../../lib/xsd/testing/wsdl-xmllint.ts';
import { buildDoControlServices, buildGetServiceStatus, readServiceStatus } from './control-center.ts';
import { buildGetOneFile, buildListNodeServiceLogs, buildSelectLogFiles, logDate, timeZoneString, zoneOffsetMinutes } from './log-collection.ts';
import { buildAddCounter, buildCloseSession, buildCollectCounterData, buildCollectSessionData, buildListCounter, buildListInstance, buildOpenSession, buildQueryCounterDescription, counterPath, readCounterValues, splitCounterPath } from './perfmon.ts';
import { buildGetFileList, cdrFilePath } from './cdr-on-demand.ts';
import { parseSoapAnswer } from '../soap/soap-response.ts';
import { AppError } from '../../lib/errors.ts';

const CC = 'serviceability/ControlCenterServices.wsdl';
const LC = 'serviceability/LogCollectionPortTypeService.wsdl';
const PM = 'serviceability/PerfmonService.wsdl';
const valid = (wsdl: string, env: string): void => xmllintAgainstWsdl(wsdl, bodyElement(env));
const invalid = (e: unknown): boolean => e instanceof AppError && e.code === 'E_INPUT_INVALID';

test('Control Center requests validate against ControlCenterServices.wsdl', () => {
  valid(CC, buildGetServiceStatus());
  valid(CC, buildGetServiceStatus(['Cisco CallManager', 'Cisco Tftp']));
  for (const t of ['Start', 'Stop', 'Restart'] as const) valid(CC, buildDoControlServices('cucm-sub1', t, ['Cisco Tftp', 'Cisco CTIManager']));
});

test('Control Center refuses markup, control characters and unknown control types', () => {
  for (const bad of ['</soap:item><x/>', 'Cisco\u0000Tftp', 'a\nb', 'x'.repeat(101)]) {
    assert.throws(() => buildDoControlServices('cucm-pub', 'Stop', [bad]), invalid);
    assert.throws(() => buildGetServiceStatus([bad]), invalid);
  }
  assert.throws(() => buildDoControlServices('cucm-pub', 'Kill' as never, ['Cisco Tftp']), invalid);
  assert.throws(() => buildDoControlServices('cucm-pub', 'Stop', []), invalid);
});

test('readServiceStatus() reads every service with status, reason, start time and activation', () => {
  const xml = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns1:soapGetServiceStatusResponse xmlns:ns1="http://schemas.cisco.com/ast/soap"><ns1:soapGetServiceStatusReturn><ns1:ReturnCode>0</ns1:ReturnCode><ns1:ReasonCode xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/><ns1:ReasonString/><ns1:ServiceInfoList><ns1:item><ns1:ServiceName>Cisco CallManager</ns1:ServiceName><ns1:ServiceStatus>Started</ns1:ServiceStatus><ns1:ReasonCode>-1</ns1:ReasonCode><ns1:ReasonCodeString/><ns1:StartTime>Tue Dec  1 20:00:01 2026</ns1:StartTime><ns1:UpTime>3600</ns1:UpTime></ns1:item><ns1:item><ns1:ServiceName>Cisco DRF Master</ns1:ServiceName><ns1:ServiceStatus>Stopped</ns1:ServiceStatus><ns1:ReasonCode>-1068</ns1:ReasonCode><ns1:ReasonCodeString>Service Not Activated</ns1:ReasonCodeString><ns1:StartTime/><ns1:UpTime>-1</ns1:UpTime></ns1:item></ns1:ServiceInfoList></ns1:soapGetServiceStatusReturn></ns1:soapGetServiceStatusResponse></soapenv:Body></soapenv:Envelope>`;
  const a = parseSoapAnswer(xml, 'cucm-pub');
  assert.ok(a.ok);
  const r = readServiceStatus(a.value);
  assert.equal(r.services.length, 2);
  assert.deepEqual(r.services.map((s) => [s.name, s.status, s.activated]), [['Cisco CallManager', 'Started', true], ['Cisco DRF Master', 'Stopped', false]]);
  assert.equal(r.services[0]!.upTimeSeconds, 3600);
});

test('Log Collection requests validate against LogCollectionPortTypeService.wsdl', () => {
  valid(LC, buildListNodeServiceLogs());
  valid(LC, buildSelectLogFiles({ services: ['Cisco CallManager', 'Cisco CTIManager'], from: new Date('2026-12-01T10:00:00Z'), to: new Date('2026-12-01T11:00:00Z'), zone: 'UTC' }));
  valid(LC, buildSelectLogFiles({ services: [], systemLogs: ['Syslog'], from: new Date('2026-12-01T10:00:00Z'), to: new Date('2026-12-01T11:00:00Z'), zone: 'Asia/Kolkata' }));
  valid(LC, buildGetOneFile('/var/log/active/cm/trace/ccm/sdl/SDL001_100_000001.txt.gz'));
});

test('timeZoneString() writes the offset in force at the given instant, DST included', () => {
  assert.equal(timeZoneString('UTC', new Date('2026-07-01T00:00:00Z')), 'Client: (GMT+0:0)UTC');
  assert.equal(timeZoneString('America/Los_Angeles', new Date('2026-01-15T12:00:00Z')), 'Client: (GMT-8:0)America/Los_Angeles');
  assert.equal(timeZoneString('America/Los_Angeles', new Date('2026-07-15T12:00:00Z')), 'Client: (GMT-7:0)America/Los_Angeles');
  assert.equal(timeZoneString('Europe/London', new Date('2026-07-15T12:00:00Z')), 'Client: (GMT+1:0)Europe/London');
  assert.equal(timeZoneString('Asia/Kolkata', new Date('2026-07-15T12:00:00Z')), 'Client: (GMT+5:30)Asia/Kolkata');
  assert.equal(timeZoneString('America/St_Johns', new Date('2026-01-15T12:00:00Z')), 'Client: (GMT-3:30)America/St_Johns');
  assert.equal(zoneOffsetMinutes('Asia/Kathmandu', new Date('2026-01-15T12:00:00Z')), 345);
  assert.throws(() => timeZoneString('Mars/Olympus', new Date()), invalid);
});

test('logDate() writes MM/DD/YY hh:mm AM|PM in the client zone', () => {
  assert.equal(logDate(new Date('2026-12-01T00:05:00Z'), 'UTC'), '12/01/26 12:05 AM');
  assert.equal(logDate(new Date('2026-12-01T12:05:00Z'), 'UTC'), '12/01/26 12:05 PM');
  assert.equal(logDate(new Date('2026-12-01T23:59:00Z'), 'UTC'), '12/01/26 11:59 PM');
  assert.equal(logDate(new Date('2026-12-01T03:00:00Z'), 'America/New_York'), '11/30/26 10:00 PM');
});

test('selectLogFiles refuses service names that are not names', () => {
  for (const bad of ['<x>', 'a]]>b', 'Cisco\u0007', '']) assert.throws(() => buildSelectLogFiles({ services: [bad], from: new Date(), to: new Date(), zone: 'UTC' }), invalid);
});

test('PerfMon requests validate against PerfmonService.wsdl, names with <, & and ]]> included', () => {
  const odd = 'Odd <Object> & "friends" ]]> here';
  valid(PM, buildListCounter('cucm-pub'));
  valid(PM, buildListInstance('cucm-pub', odd));
  valid(PM, buildCollectCounterData('cucm-pub', 'Cisco CallManager'));
  valid(PM, buildQueryCounterDescription(counterPath('cucm-pub', 'Cisco CallManager', 'CallsActive')));
  valid(PM, buildOpenSession());
  valid(PM, buildAddCounter('{ABC-123}', [counterPath('cucm-pub', odd, 'CallsActive'), counterPath('cucm-pub', 'Processor', '% CPU Time', '_Total')]));
  valid(PM, buildCollectSessionData('{ABC-123}'));
  valid(PM, buildCloseSession('{ABC-123}'));
});

test('a PerfMon object name with <, & and ]]> round-trips through request and answer', () => {
  const odd = 'Odd <Object> & "friends" ]]> here';
  const req = buildCollectCounterData('cucm-pub', odd);
  assert.ok(!req.includes('<Object>') && !req.includes(']]>'));
  const path = counterPath('cucm-pub', odd, 'Count&<1>', 'inst (a)');
  const answer = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns1:perfmonCollectCounterDataResponse xmlns:ns1="http://schemas.cisco.com/ast/soap"><ns1:perfmonCollectCounterDataReturn><ns1:Name>${path.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</ns1:Name><ns1:Value>7</ns1:Value><ns1:CStatus>1</ns1:CStatus></ns1:perfmonCollectCounterDataReturn></ns1:perfmonCollectCounterDataResponse></soapenv:Body></soapenv:Envelope>`;
  const a = parseSoapAnswer(answer, 'cucm-pub');
  assert.ok(a.ok);
  const [v] = readCounterValues(a.value);
  assert.deepEqual({ object: v!.object, instance: v!.instance, counter: v!.counter, value: v!.value }, { object: odd, instance: 'inst (a)', counter: 'Count&<1>', value: 7 });
  assert.deepEqual(splitCounterPath('\\\\h\\Cisco CallManager\\CallsActive'), { host: 'h', object: 'Cisco CallManager', counter: 'CallsActive' });
  for (const bad of ['a\\b', '', 'x\u0000', 'y'.repeat(257)]) assert.throws(() => counterPath('h', bad, 'c'), invalid);
});

test('CDRonDemand get_file_list takes at most one hour; CDR names are matched, never joined', () => {
  const from = new Date('2026-12-01T10:00:00Z');
  const xml = buildGetFileList(from, new Date('2026-12-01T11:00:00Z'));
  assert.match(xml, /<soap:in0>202612011000<\/soap:in0><soap:in1>202612011100<\/soap:in1><soap:in2>true<\/soap:in2>/);
  assert.throws(() => buildGetFileList(from, new Date('2026-12-01T11:00:01Z')), invalid);
  assert.throws(() => buildGetFileList(from, from), invalid);
  assert.equal(cdrFilePath('cdr_lab-cucm_01_202612011005_3'), '/var/log/active/cm/cdr_repository/processed/20261201/cdr_lab-cucm_01_202612011005_3');
  for (const bad of ['../../etc/shadow', 'cdr_x_01_202612011005_3/../../x', '/etc/passwd', 'cdr_a b_01_202612011005_1', 'cmr_x_01_2026120110_1']) assert.throws(() => cdrFilePath(bad), invalid);
});

test('the WSDL check itself rejects a body the schema does not allow', () => {
  assert.throws(() => xmllintAgainstWsdl(CC, '<soap:soapDoControlServices xmlns:soap="http://schemas.cisco.com/ast/soap"><soap:ControlServiceRequest><soap:NodeName>x</soap:NodeName><soap:ControlType>Kill</soap:ControlType><soap:ServiceList/></soap:ControlServiceRequest></soap:soapDoControlServices>'), /xmllint/);
});
