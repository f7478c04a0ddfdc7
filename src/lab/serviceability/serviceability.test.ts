import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { RunningLab } from '../start-lab.ts';
import { startScratchLab } from '../testing/scratch-lab.ts';
import type { ScratchLab } from '../testing/scratch-lab.ts';
import { basic, node, request } from '../testing/lab-requests.ts';
import type { HttpAnswer } from '../testing/lab-requests.ts';
import { bodyElement, xmllintAgainstWsdl } from '../../lib/xsd/testing/wsdl-xmllint.ts';
import { serviceList } from '../ssh/cli-platform.ts';
import { runCliCommand } from '../ssh/cli-commands.ts';
import { NODE_LAYOUT } from '../lab-node.ts';

const NS = 'http://schemas.cisco.com/ast/soap';
const CC = 'serviceability/ControlCenterServices.wsdl';
const LC = 'serviceability/LogCollectionPortTypeService.wsdl';
const PM = 'serviceability/PerfmonService.wsdl';

function post(lab: RunningLab, nodeName: string, path: string, inner: string, action = ''): Promise<HttpAnswer> {
  const n = node(lab.description, nodeName);
  const body = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="${NS}"><soapenv:Header/><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;
  return request({ url: `https://${n.host}:${n.https_port}${path}`, method: 'POST', headers: { 'Content-Type': 'text/xml', SOAPAction: `"${action}"`, Authorization: basic(n.username, n.password) }, body, ca: readFileSync(lab.description.ca_bundle, 'utf8') });
}

const status = (lab: RunningLab, n: string): Promise<HttpAnswer> => post(lab, n, '/controlcenterservice2/services/ControlCenterServices', '<soap:soapGetServiceStatus><soap:ServiceStatus></soap:ServiceStatus></soap:soapGetServiceStatus>');
const perf = (lab: RunningLab, n: string, inner: string): Promise<HttpAnswer> => post(lab, n, '/perfmonservice2/services/PerfmonService', inner);
const registeredPerfmon = async (lab: RunningLab, n: string): Promise<number> => {
  const r = await perf(lab, n, `<soap:perfmonCollectCounterData><soap:Host>${n}</soap:Host><soap:Object>Cisco CallManager</soap:Object></soap:perfmonCollectCounterData>`);
  assert.equal(r.status, 200, r.text);
  return Number(/RegisteredHardwarePhones<\/ns1:Name><ns1:Value>(\d+)/.exec(r.text)?.[1]);
};
const risRegistered = (lab: RunningLab, n: string): number => [...lab.data.registrations.values()].filter((r) => r.node === n && r.status === 'Registered').length;

describe('lab serviceability services', () => {
  let scratch: ScratchLab;
  let lab: RunningLab;
  before(async () => {
    scratch = await startScratchLab('aibridge-lab-svc-', { seed: 9, phones: 40, faults: 'service:stopped:Cisco Tftp' });
    ({ lab } = scratch);
  });
  after(async () => { await scratch.close(); });

  test('Control Center answers validate; a service stopped from the start shows in status and in utils service list', async () => {
    const r = await status(lab, 'cucm-pub');
    assert.equal(r.status, 200);
    xmllintAgainstWsdl(CC, bodyElement(r.text));
    assert.match(r.text, /<ns1:ServiceName>Cisco CallManager<\/ns1:ServiceName><ns1:ServiceStatus>Started<\/ns1:ServiceStatus>/);
    assert.match(r.text, /<ns1:ServiceName>Cisco Tftp<\/ns1:ServiceName><ns1:ServiceStatus>Stopped<\/ns1:ServiceStatus>/);
    assert.equal(lab.data.services.get('cucm-sub1', 'Cisco Tftp')?.status, 'Stopped');
    const layout = NODE_LAYOUT.find((n) => n.name === 'cucm-pub')!;
    const cli = serviceList({ node: { ...layout, httpsPort: 0, sshPort: 0, sshHostKeySha256: '' }, data: lab.data, allNodes: [], startedAt: new Date() });
    assert.ok(cli.includes('Cisco Tftp[ STOPPED ]  Component is not running') && cli.includes('Cisco CallManager[STARTED]'), cli.join('\n'));
  });

  test('stopping CallManager on a node unregisters its phones in RIS and PerfMon; starting it restores them', async () => {
    const before = risRegistered(lab, 'cucm-sub1');
    assert.ok(before > 0);
    assert.equal(await registeredPerfmon(lab, 'cucm-sub1'), before, 'PerfMon counts what RIS reports for the node');
    const stop = await post(lab, 'cucm-sub1', '/controlcenterservice2/services/ControlCenterServices', '<soap:soapDoControlServices><soap:ControlServiceRequest><soap:NodeName>cucm-sub1</soap:NodeName><soap:ControlType>Stop</soap:ControlType><soap:ServiceList><soap:item>Cisco CallManager</soap:item></soap:ServiceList></soap:ControlServiceRequest></soap:soapDoControlServices>');
    assert.equal(stop.status, 200, stop.text);
    xmllintAgainstWsdl(CC, bodyElement(stop.text));
    assert.equal(await registeredPerfmon(lab, 'cucm-sub1'), 0);
    const ris = await post(lab, 'cucm-pub', '/realtimeservice2/services/RISService70', '<soap:selectCmDevice><soap:StateInfo/><soap:CmSelectionCriteria><soap:MaxReturnedDevices>1000</soap:MaxReturnedDevices><soap:DeviceClass>Phone</soap:DeviceClass><soap:Model>255</soap:Model><soap:Status>Registered</soap:Status><soap:NodeName>cucm-sub1</soap:NodeName><soap:SelectBy>Name</soap:SelectBy><soap:SelectItems><soap:item><soap:Item>*</soap:Item></soap:item></soap:SelectItems></soap:CmSelectionCriteria></soap:selectCmDevice>');
    assert.match(ris.text, /<ns1:TotalDevicesFound>0</);
    const start = await post(lab, 'cucm-sub1', '/controlcenterservice2/services/ControlCenterServices', '<soap:soapDoControlServices><soap:ControlServiceRequest><soap:NodeName>cucm-sub1</soap:NodeName><soap:ControlType>Start</soap:ControlType><soap:ServiceList><soap:item>Cisco CallManager</soap:item></soap:ServiceList></soap:ControlServiceRequest></soap:soapDoControlServices>');
    assert.equal(start.status, 200);
    assert.equal(await registeredPerfmon(lab, 'cucm-sub1'), before);
    const wrongNode = await post(lab, 'cucm-sub1', '/controlcenterservice2/services/ControlCenterServices', '<soap:soapDoControlServices><soap:ControlServiceRequest><soap:NodeName>cucm-pub</soap:NodeName><soap:ControlType>Stop</soap:ControlType><soap:ServiceList><soap:item>Cisco CallManager</soap:item></soap:ServiceList></soap:ControlServiceRequest></soap:soapDoControlServices>');
    assert.equal(wrongNode.status, 500);
  });

  test('utils service stop/start on the CLI changes the state Control Center reports, and what depends on it', async () => {
    const layout = NODE_LAYOUT.find((n) => n.name === 'cucm-sub1')!;
    const ctx = { node: { ...layout, httpsPort: 0, sshPort: 0, sshHostKeySha256: '' }, data: lab.data, allNodes: [], startedAt: new Date() };
    const cli = (line: string) => runCliCommand(ctx, line, { pagination: false });
    const phones = risRegistered(lab, 'cucm-sub1');
    assert.ok(phones > 0);
    const stop = cli('utils service stop Cisco CallManager');
    assert.equal(stop.ok, true);
    assert.deepEqual(stop.lines.slice(1), ['Cisco CallManager[STOPPING]', 'Cisco CallManager[STOPPED]  Commanded Out of Service', '']);
    // Control Center sees the stop, with the reason of a commanded stop; the answer still validates.
    const st = await status(lab, 'cucm-sub1');
    xmllintAgainstWsdl(CC, bodyElement(st.text));
    assert.match(st.text, /<ns1:ServiceName>Cisco CallManager<\/ns1:ServiceName><ns1:ServiceStatus>Stopped<\/ns1:ServiceStatus><ns1:ReasonCode>-1069<\/ns1:ReasonCode><ns1:ReasonCodeString>Commanded Out of Service</);
    assert.ok(serviceList(ctx).includes('Cisco CallManager[STOPPED]  Commanded Out of Service'));
    assert.equal(await registeredPerfmon(lab, 'cucm-sub1'), 0, 'its phones are gone from PerfMon');
    const ris = await post(lab, 'cucm-pub', '/realtimeservice2/services/RISService70', '<soap:selectCmDevice><soap:StateInfo/><soap:CmSelectionCriteria><soap:MaxReturnedDevices>1000</soap:MaxReturnedDevices><soap:DeviceClass>Phone</soap:DeviceClass><soap:Model>255</soap:Model><soap:Status>Registered</soap:Status><soap:NodeName>cucm-sub1</soap:NodeName><soap:SelectBy>Name</soap:SelectBy><soap:SelectItems><soap:item><soap:Item>*</soap:Item></soap:item></soap:SelectItems></soap:CmSelectionCriteria></soap:selectCmDevice>');
    assert.match(ris.text, /<ns1:TotalDevicesFound>0</, 'and from RIS');
    const start = cli('utils service start cisco callmanager');
    assert.deepEqual([start.ok, start.lines.slice(1)], [true, ['Cisco CallManager[STARTING]', 'Cisco CallManager[STARTED]', '']]);
    assert.match((await status(lab, 'cucm-sub1')).text, /<ns1:ServiceName>Cisco CallManager<\/ns1:ServiceName><ns1:ServiceStatus>Started</);
    assert.equal(await registeredPerfmon(lab, 'cucm-sub1'), phones);
    // A Control Center Stop shows the same way on the CLI; a restart passes through both states.
    const ccStop = await post(lab, 'cucm-sub1', '/controlcenterservice2/services/ControlCenterServices', '<soap:soapDoControlServices><soap:ControlServiceRequest><soap:NodeName>cucm-sub1</soap:NodeName><soap:ControlType>Stop</soap:ControlType><soap:ServiceList><soap:item>Cisco Extension Mobility</soap:item></soap:ServiceList></soap:ControlServiceRequest></soap:soapDoControlServices>');
    assert.equal(ccStop.status, 200);
    assert.ok(serviceList(ctx).includes('Cisco Extension Mobility[STOPPED]  Commanded Out of Service'));
    const restart = cli('utils service restart Cisco Extension Mobility');
    assert.deepEqual(restart.lines.slice(1), ['Cisco Extension Mobility[STARTING]', 'Cisco Extension Mobility[STARTED]', '']);
    assert.equal(lab.data.services.get('cucm-sub1', 'Cisco Extension Mobility')?.status, 'Started');
    // Tftp was stopped from the start (not by command): its reason stays "Component is not running".
    assert.match((await status(lab, 'cucm-sub1')).text, /<ns1:ServiceName>Cisco Tftp<\/ns1:ServiceName><ns1:ServiceStatus>Stopped<\/ns1:ServiceStatus><ns1:ReasonCode>-1019</);
  });

  test('Log Collection lists, selects and serves CallManager traces holding the lab calls', async () => {
    const list = await post(lab, 'cucm-pub', '/logcollectionservice2/services/LogCollectionPortTypeService', '<soap:listNodeServiceLogs><soap:ListRequest/></soap:listNodeServiceLogs>');
    xmllintAgainstWsdl(LC, bodyElement(list.text));
    assert.match(list.text, /<ns1:name>cucm-sub1<\/ns1:name>/);
    const now = new Date();
    const fmt = (d: Date): string => { const h = d.getUTCHours(); const p = (n: number): string => String(n).padStart(2, '0'); return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCFullYear() % 100)} ${p(h % 12 || 12)}:${p(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`; };
    const sel = await post(lab, 'cucm-pub', '/logcollectionservice2/services/LogCollectionPortTypeService', `<soap:selectLogFiles><soap:FileSelectionCriteria><soap:ServiceLogs><soap:item>Cisco CallManager</soap:item></soap:ServiceLogs><soap:SystemLogs/><soap:SearchStr/><soap:Frequency>OnDemand</soap:Frequency><soap:JobType>DownloadtoClient</soap:JobType><soap:ToDate>${fmt(now)}</soap:ToDate><soap:FromDate>${fmt(new Date(now.getTime() - 3600_000))}</soap:FromDate><soap:TimeZone>Client: (GMT+0:0)UTC</soap:TimeZone><soap:RelText>None</soap:RelText><soap:RelTime>0</soap:RelTime><soap:Port>0</soap:Port><soap:IPAddress/><soap:UserName/><soap:Password/><soap:ZipInfo>false</soap:ZipInfo><soap:RemoteFolder/></soap:FileSelectionCriteria></soap:selectLogFiles>`);
    assert.equal(sel.status, 200, sel.text);
    xmllintAgainstWsdl(LC, bodyElement(sel.text));
    const paths = [...sel.text.matchAll(/<ns1:absolutepath>([^<]+)</g)].map((m) => m[1]!);
    assert.ok(paths.some((p) => p.includes('/cm/trace/ccm/sdi/')) && paths.some((p) => p.includes('/cm/trace/ccm/sdl/')), paths.join(' '));
    const sdi = paths.filter((p) => p.includes('/sdi/')).at(-2)!;
    const file = await post(lab, 'cucm-pub', '/logcollectionservice/services/DimeGetFileService', `<soap:FileName>${sdi}</soap:FileName>`, 'http://schemas.cisco.com/ast/soap/action/#LogCollectionPort#GetOneFile');
    assert.equal(file.status, 200);
    assert.match(String(file.headers['content-type']), /^multipart\/related; type="text\/xml"; start="<[0-9A-F]+>"; boundary="/);
    assert.match(file.text, /INVITE sip:\d+@127\.0\.0\.11:5060 SIP\/2\.0/);
    assert.match(file.text, /Digit Analysis: match\(/);
    const missing = await post(lab, 'cucm-pub', '/logcollectionservice/services/DimeGetFileService', '<soap:FileName>/etc/shadow</soap:FileName>');
    assert.equal(missing.status, 500);
    assert.match(missing.text, /does not exist/);
  });

  test('PerfMon answers validate; sessions open, collect and close; unknown handles fault', async () => {
    const list = await perf(lab, 'cucm-pub', '<soap:perfmonListCounter><soap:Host>cucm-pub</soap:Host></soap:perfmonListCounter>');
    xmllintAgainstWsdl(PM, bodyElement(list.text));
    assert.match(list.text, /CallsActive/);
    const coll = await perf(lab, 'cucm-pub', '<soap:perfmonCollectCounterData><soap:Host>cucm-pub</soap:Host><soap:Object>Processor</soap:Object></soap:perfmonCollectCounterData>');
    xmllintAgainstWsdl(PM, bodyElement(coll.text));
    assert.equal(await registeredPerfmon(lab, 'cucm-pub'), risRegistered(lab, 'cucm-pub'));
    const open = await perf(lab, 'cucm-pub', '<soap:perfmonOpenSession/>');
    xmllintAgainstWsdl(PM, bodyElement(open.text));
    const h = /<ns1:perfmonOpenSessionReturn>([^<]+)</.exec(open.text)![1]!;
    const add = await perf(lab, 'cucm-pub', `<soap:perfmonAddCounter><soap:SessionHandle>${h}</soap:SessionHandle><soap:ArrayOfCounter><soap:Counter><soap:Name>\\\\cucm-pub\\Cisco CallManager\\CallsAttempted</soap:Name></soap:Counter></soap:ArrayOfCounter></soap:perfmonAddCounter>`);
    assert.equal(add.status, 200, add.text);
    const data = await perf(lab, 'cucm-pub', `<soap:perfmonCollectSessionData><soap:SessionHandle>${h}</soap:SessionHandle></soap:perfmonCollectSessionData>`);
    xmllintAgainstWsdl(PM, bodyElement(data.text));
    assert.match(data.text, /CallsAttempted<\/ns1:Name><ns1:Value>\d+/);
    assert.equal((await perf(lab, 'cucm-pub', `<soap:perfmonCloseSession><soap:SessionHandle>${h}</soap:SessionHandle></soap:perfmonCloseSession>`)).status, 200);
    assert.equal((await perf(lab, 'cucm-pub', `<soap:perfmonCollectSessionData><soap:SessionHandle>${h}</soap:SessionHandle></soap:perfmonCollectSessionData>`)).status, 500);
  });

  test('CDRonDemand lists the last hour (at most one hour) and the files hold the calls with causes and CMR MOS', async () => {
    const stamp = (d: Date): string => d.toISOString().slice(0, 16).replace(/[-T:]/g, '');
    const now = new Date();
    const r = await post(lab, 'cucm-pub', '/CDRonDemandService2/services/CDRonDemandService', `<soap:get_file_list><soap:in0>${stamp(new Date(now.getTime() - 3600_000))}</soap:in0><soap:in1>${stamp(now)}</soap:in1><soap:in2>true</soap:in2></soap:get_file_list>`);
    assert.equal(r.status, 200, r.text);
    const names = [...r.text.matchAll(/<ns1:FileName>([^<]+)</g)].map((m) => m[1]!);
    assert.ok(names[0]?.startsWith('cdr_lab-cucm_01_') && names.some((n) => n.startsWith('cmr_')), names.join(' '));
    const too = await post(lab, 'cucm-pub', '/CDRonDemandService2/services/CDRonDemandService', `<soap:get_file_list><soap:in0>${stamp(new Date(now.getTime() - 7200_000))}</soap:in0><soap:in1>${stamp(now)}</soap:in1><soap:in2>true</soap:in2></soap:get_file_list>`);
    assert.equal(too.status, 500);
    const day = names[0]!.split('_')[3]!.slice(0, 8);
    const f = await post(lab, 'cucm-pub', '/logcollectionservice/services/DimeGetFileService', `<soap:FileName>/var/log/active/cm/cdr_repository/processed/${day}/${names[0]}</soap:FileName>`);
    assert.equal(f.status, 200);
    assert.match(f.text, /"callingPartyNumber"/);
    assert.match(f.text, /INTEGER,INTEGER,INTEGER/);
    const cmr = names.find((n) => n.startsWith('cmr_'))!;
    const m = await post(lab, 'cucm-pub', '/logcollectionservice/services/DimeGetFileService', `<soap:FileName>/var/log/active/cm/cdr_repository/processed/${cmr.split('_')[3]!.slice(0, 8)}/${cmr}</soap:FileName>`);
    assert.match(m.text, /MLQK=\d\.\d{4}/);
  });

  test('phones serve NetworkConfigurationX, PortInformationX and StreamingStatisticsX', async () => {
    const p = lab.description.phones[0]!;
    const get = (path: string): Promise<HttpAnswer> => request({ url: `http://${p.ip}:${p.http_port}${path}` });
    assert.match((await get('/NetworkConfigurationX')).text, /<SubNetMask>255\.0\.0\.0<\/SubNetMask>.*<TFTPServer1>/s);
    assert.match((await get('/PortInformationX?1')).text, /<PortStatus>Full, 1000<\/PortStatus>/);
    assert.match((await get('/StreamingStatisticsX?2')).text, /<StreamStatus>Not Ready<\/StreamStatus>/);
    assert.equal((await get('/StreamingStatisticsX?6')).status, 404);
  });
});
