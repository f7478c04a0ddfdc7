import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { RunningLab } from './start-lab.ts';
import { axl, basic, node, request } from './testing/lab-requests.ts';
import { startScratchLab, withScratchLab } from './testing/scratch-lab.ts';
import type { ScratchLab } from './testing/scratch-lab.ts';

const { Client } = ssh2;

function sshSession(lab: RunningLab, name: string, run: (c: InstanceType<typeof Client>) => Promise<string>): Promise<string> {
  const n = node(lab.description, name);
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('error', reject);
    c.on('ready', () => { run(c).then((out) => { c.end(); resolve(out); }, reject); });
    c.connect({
      host: n.host, port: n.ssh_port, username: n.username, password: n.password, readyTimeout: 20_000,
      hostVerifier: (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` === n.ssh_host_key_sha256,
    });
  });
}

function exec(c: InstanceType<typeof Client>, cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    c.exec(cmd, (err, stream) => {
      if (err) { reject(err); return; }
      let out = '';
      stream.on('data', (d: Buffer) => { out += d.toString(); });
      stream.on('close', (code: number) => resolve(`${out}\n[exit ${code}]`));
    });
  });
}

describe('startLab()', () => {
  let scratch: ScratchLab;
  let lab: RunningLab;
  let dir: string;
  before(async () => {
    scratch = await startScratchLab('lab-test-', { seed: 11, phones: 120 });
    ({ lab, dir } = scratch);
  });
  after(async () => { await scratch.close(); });

  test('writes lab.json and lab.env with the node inventory and CA bundle', () => {
    const j = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as typeof lab.description;
    assert.equal(j.version, '14.0');
    assert.deepEqual(j.nodes.map((n) => n.product).sort(), ['cuc', 'cucm', 'cucm', 'imp']);
    assert.ok(j.phones.length > 0 && j.phones.every((p) => (p.scheme === 'http' ? p.http_port > 0 : p.https_port === j.phone_https_port)));
    assert.ok(j.phones.some((p) => p.scheme === 'https'), '98xx phones serve HTTPS only');
    assert.equal(j.phones[0]!.scheme, 'http', 'phones served over HTTP come first');
    const env = readFileSync(join(dir, 'lab.env'), 'utf8');
    assert.match(env, /^# /);
    assert.match(env, /^CISCO_NODES=cucm-pub:cucm:127\.0\.0\.11:lab-cucm:publisher,cucm-sub1:cucm:127\.0\.0\.12:lab-cucm:subscriber,/m);
    assert.match(env, new RegExp(`^CISCO_NODE_PORTS=cucm-pub:${j.nodes[0]!.https_port}:${j.nodes[0]!.ssh_port},`, 'm'));
    assert.match(env, new RegExp(`^SERVER_CUC_SSL_CA_BUNDLE=${j.ca_bundle}$`, 'm'));
  });

  test('AXL answers getCCMVersion, 401 on a wrong password, and a 500 Fault on schema-invalid input', async () => {
    const ok = await axl(lab.description, 'getCCMVersion', '');
    assert.equal(ok.status, 200);
    assert.match(ok.text, /^<\?xml version='1\.0' encoding='utf-8'\?>/);
    assert.match(ok.text, /<version>14\.0\.1\.\d+-\d+<\/version>/);
    assert.match(String(ok.headers['set-cookie']), /JSESSIONIDSSO=/);
    const denied = await axl(lab.description, 'getCCMVersion', '', { password: 'wrong' });
    assert.equal(denied.status, 401);
    assert.match(denied.text, /HTTP Status 401/);
    const bad = await axl(lab.description, 'getPhone', '<nonsense>1</nonsense>');
    assert.equal(bad.status, 500);
    assert.match(bad.text, /<faultcode>soapenv:Client<\/faultcode>.*<ns2:axlError xmlns:ns2="http:\/\/www.cisco.com\/AXL\/API\/14.0"><axlcode>/s);
    assert.equal((await axl(lab.description, 'noSuchOperation', '')).status, 500);
    assert.match((await axl(lab.description, 'getPhone', '<name>x</name>', { soapAction: '"CUCM:DB ver=12.5 getPhone"' })).text, /does not match/);
    assert.match((await axl(lab.description, 'getPhone', '<name>x</name>', { soapAction: '"CUCM:DB ver=14.0 listPhone"' })).text, /does not match/);
    assert.equal((await axl(lab.description, 'getCCMVersion', '', { version: '12.5' })).status, 200);
    assert.equal((await axl(lab.description, 'getCCMVersion', '', { version: '15.0' })).status, 500);
  });

  test('AXL never expands entities and refuses a DOCTYPE', async () => {
    const envelope = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.cisco.com/AXL/API/14.0"><soapenv:Body><ns:getPhone><name>&x;</name></ns:getPhone></soapenv:Body></soapenv:Envelope>';
    const r = await axl(lab.description, 'getPhone', '', { envelope });
    assert.equal(r.status, 500);
    assert.doesNotMatch(r.text, /root:/);
    assert.match(r.text, /DOCTYPE is disallowed/);
    assert.equal((await axl(lab.description, 'getPhone', '', { envelope: '<not xml' })).status, 500);
  });

  test('AXL add/get/update/list/remove keep data and XML metacharacters round-trip literally', async () => {
    const d = lab.description;
    const phoneXml = '<phone><name>SEP0A0B0C0D0E0F</name><product>Cisco 8845</product><class>Phone</class><protocol>SIP</protocol><protocolSide>User</protocolSide><devicePoolName>DP-HQ</devicePoolName><commonPhoneConfigName>Standard Common Phone Profile</commonPhoneConfigName><locationName>Hub_None</locationName><useTrustedRelayPoint>Default</useTrustedRelayPoint><lines><line><index>1</index><dirn><pattern>7777</pattern><routePartitionName>PT-Internal</routePartitionName></dirn></line></lines><phoneTemplateName>Standard 8845 SIP</phoneTemplateName><primaryPhoneName/><builtInBridgeStatus>Default</builtInBridgeStatus><packetCaptureMode>None</packetCaptureMode><certificateOperation>No Pending Operation</certificateOperation><deviceMobilityMode>Default</deviceMobilityMode></phone>';
    const add = await axl(d, 'addPhone', phoneXml);
    assert.equal(add.status, 200, add.text);
    assert.match(add.text, /<return>\{[0-9A-F-]{36}\}<\/return>/);
    assert.match((await axl(d, 'addPhone', phoneXml)).text, /<axlcode>-239<\/axlcode>/);
    const dup = await axl(d, 'addRoutePartition', '<routePartition><name>PT-Internal</name></routePartition>');
    assert.match(dup.text, /<axlcode>-239<\/axlcode>/);
    const tricky = `a&lt;b&gt;&amp;c]]&gt;"' &lt;/description&gt;&lt;name&gt;x&lt;/name&gt;`;
    assert.equal((await axl(d, 'updatePhone', `<name>SEP0A0B0C0D0E0F</name><description>${tricky}</description>`)).status, 200);
    const got = await axl(d, 'getPhone', '<name>SEP0A0B0C0D0E0F</name><returnedTags><description/><lines/></returnedTags>');
    assert.ok(got.text.includes(`<description>a&lt;b&gt;&amp;c]]&gt;"' &lt;/description&gt;&lt;name&gt;x&lt;/name&gt;</description>`), got.text);
    assert.match(got.text, /<pattern>7777<\/pattern>/);
    const line = await axl(d, 'getLine', '<pattern>7777</pattern><routePartitionName>PT-Internal</routePartitionName>');
    assert.equal(line.status, 200);
    const sql = await axl(d, 'executeSQLQuery', "<sql>select d.description from device d where d.name = 'SEP0A0B0C0D0E0F'</sql>");
    assert.ok(sql.text.includes('<description>a&lt;b&gt;&amp;c]]&gt;"\' &lt;/description&gt;&lt;name&gt;x&lt;/name&gt;</description>'), sql.text);
    const listed = await axl(d, 'listPhone', '<searchCriteria><name>SEP0A0B0C0D0E%</name></searchCriteria><returnedTags><name/></returnedTags>');
    assert.equal((listed.text.match(/<phone /g) ?? []).length, 1);
    assert.equal((await axl(d, 'removePhone', '<name>SEP0A0B0C0D0E0F</name>')).status, 200);
    const gone = await axl(d, 'getPhone', '<name>SEP0A0B0C0D0E0F</name>');
    assert.equal(gone.status, 500);
    assert.match(gone.text, /<axlcode>5007<\/axlcode>/);
    assert.match(gone.text, /Item not valid: The specified SEP0A0B0C0D0E0F was not found/);
  });

  test('AXL list paging, SQL faults, and the response size limit', async () => {
    const d = lab.description;
    const page = await axl(d, 'listUser', '<searchCriteria><userid>%</userid></searchCriteria><returnedTags><userid/></returnedTags><skip>5</skip><first>10</first>');
    assert.equal((page.text.match(/<user /g) ?? []).length, 10);
    const empty = await axl(d, 'listPhone', '<searchCriteria><name>NOPE%</name></searchCriteria><returnedTags><name/></returnedTags>');
    assert.match(empty.text, /<return\/>/);
    const sqlErr = await axl(d, 'executeSQLQuery', '<sql>select nosuch from device</sql>');
    assert.equal(sqlErr.status, 500);
    assert.match(sqlErr.text, /<axlcode>-217<\/axlcode>/);
    const upd = await axl(d, 'executeSQLUpdate', "<sql>update enduser set department = 'Lab' where userid like 'a%'</sql>");
    assert.match(upd.text, /<rowsUpdated>\d+<\/rowsUpdated>/);
  });

  test('RisPort70 reports registrations with the phone IPs of lab.json, filters and pages', async () => {
    const d = lab.description;
    const pub = node(d, 'cucm-pub');
    const ris = (op: string, crit: string, state = ''): Promise<{ status: number; text: string }> => request({
      url: `https://${pub.host}:${pub.https_port}/realtimeservice2/services/RISService70`, method: 'POST', ca: readFileSync(d.ca_bundle, 'utf8'),
      headers: { Authorization: basic(pub.username, pub.password), SOAPAction: `"${op}"`, 'Content-Type': 'text/xml' },
      body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="http://schemas.cisco.com/ast/soap"><soapenv:Body><soap:${op}><soap:StateInfo>${state}</soap:StateInfo><soap:CmSelectionCriteria>${crit}</soap:CmSelectionCriteria></soap:${op}></soapenv:Body></soapenv:Envelope>`,
    });
    const first = d.phones[0]!;
    const one = await ris('selectCmDevice', `<soap:MaxReturnedDevices>1000</soap:MaxReturnedDevices><soap:DeviceClass>Phone</soap:DeviceClass><soap:Model>255</soap:Model><soap:Status>Registered</soap:Status><soap:SelectBy>Name</soap:SelectBy><soap:SelectItems><soap:item><soap:Item>${first.name}</soap:Item></soap:item></soap:SelectItems>`);
    assert.match(one.text, /<ns1:TotalDevicesFound>1<\/ns1:TotalDevicesFound>/);
    assert.ok(one.text.includes(`<ns1:IP>${first.ip}</ns1:IP>`));
    const crit = '<soap:MaxReturnedDevices>50</soap:MaxReturnedDevices><soap:DeviceClass>Any</soap:DeviceClass><soap:Model>255</soap:Model><soap:Status>Any</soap:Status><soap:SelectBy>Name</soap:SelectBy><soap:SelectItems><soap:item><soap:Item>SEP*</soap:Item></soap:item></soap:SelectItems>';
    const paged = await ris('selectCmDeviceExt', crit);
    assert.match(paged.text, /<ns1:TotalDevicesFound>50<\/ns1:TotalDevicesFound>/);
    const state = /<ns1:StateInfo>(.*?)<\/ns1:StateInfo>/.exec(paged.text)![1]!;
    assert.match(state, /&lt;Node Name="cucm-pub" SubsystemStartTime="\d+" StateId="[^"]+" TotalItemsFound="\d+" TotalItemsMatched="\d+"\/&gt;/);
    const names = (t: string): string[] => [...t.matchAll(/<ns1:item><ns1:Name>(SEP[0-9A-F]+)<\/ns1:Name>/g)].map((m) => m[1]!);
    // StateInfo tracks change, it is no page cursor: sent back unchanged, every node answers NoChange and lists nothing.
    const same = await ris('selectCmDeviceExt', crit, state);
    assert.equal(names(same.text).length, 0);
    assert.equal((same.text.match(/<ns1:NoChange>true<\/ns1:NoChange>/g) ?? []).length, d.nodes.filter((n) => n.product === 'cucm').length);
    // After a change the same StateInfo gets the devices again.
    assert.equal((await axl(d, 'updatePhone', `<name>${first.name}</name><description>moved desk</description>`)).status, 200);
    const changed = await ris('selectCmDeviceExt', crit, state);
    assert.equal(names(changed.text).length > 0, true);
    assert.doesNotMatch(changed.text, /<ns1:NoChange>true/);
    // At most 1000 device items per answer, whatever MaxReturnedDevices asks for; a moved phone shows under two nodes.
    const big = await ris('selectCmDevice', '<soap:MaxReturnedDevices>5000</soap:MaxReturnedDevices><soap:Model>255</soap:Model><soap:SelectBy>Name</soap:SelectBy><soap:SelectItems><soap:item><soap:Item>*</soap:Item></soap:item></soap:SelectItems>');
    const items = names(big.text);
    assert.ok(items.length > lab.data.registrations.size && items.length <= 1000, `${items.length} items for ${lab.data.registrations.size} phones`);
    const none = await ris('selectCmDevice', '<soap:SelectBy>Name</soap:SelectBy><soap:SelectItems><soap:item><soap:Item>NOPE*</soap:Item></soap:item></soap:SelectItems>');
    assert.match(none.text, /<ns1:CmNodes xsi:nil="1"\/>/);
  });

  test('CUPI answers JSON and XML with totals, pages, 404 ErrorDetails and 401', async () => {
    const cuc = node(lab.description, 'cuc-pub');
    const ca = readFileSync(lab.description.ca_bundle, 'utf8');
    const get = (path: string, accept = 'application/json', pw = cuc.password): Promise<{ status: number; text: string }> => request({ url: `https://${cuc.host}:${cuc.https_port}${path}`, ca, headers: { Accept: accept, Authorization: basic(cuc.username, pw) } });
    const j = JSON.parse((await get('/vmrest/users?rowsPerPage=2&pageNumber=1')).text) as { '@total': string; User: unknown[] };
    assert.equal(j['@total'], '122');
    assert.equal(j.User.length, 2);
    const x = await get('/vmrest/handlers/callhandlers?rowsPerPage=1', 'application/xml');
    assert.match(x.text, /<Callhandlers total="\d+"><Callhandler><URI>/);
    const count = JSON.parse((await get('/vmrest/distributionlists?rowsPerPage=0')).text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(count), ['@total']);
    const missing = await get('/vmrest/schedulesets/30d9c0df-534b-437a-a6b7-439adfd850da', 'application/xml');
    assert.equal(missing.status, 404);
    assert.match(missing.text, /<ErrorDetails><errors><code>NOT_FOUND<\/code><message>scheduleset - ObjectId=30d9c0df/);
    assert.equal((await get('/vmrest/nothing', 'application/xml')).status, 404);
    assert.equal((await get('/vmrest/users', 'application/json', 'wrong')).status, 401);
    const created = await request({ url: `https://${cuc.host}:${cuc.https_port}/vmrest/schedulesets`, method: 'POST', ca, headers: { Authorization: basic(cuc.username, cuc.password), 'Content-Type': 'application/xml' }, body: '<ScheduleSet><DisplayName>Night Shift</DisplayName></ScheduleSet>' });
    assert.equal(created.status, 201);
    assert.match(created.text, /^\/vmrest\/schedulesets\/[0-9a-f-]{36}$/);
  });

  test('phones serve a PNG/BMP screenshot to the phone user, 401 otherwise, and DeviceInformationX', async () => {
    const d = lab.description;
    const p = d.phones[0]!;
    const shot = await request({ url: `http://${p.ip}:${p.http_port}/CGI/Screenshot`, headers: { Authorization: basic(d.phone_user, d.phone_password) } });
    assert.equal(shot.status, 200);
    assert.match(String(shot.headers['content-type']), /^image\//);
    assert.ok(shot.body.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) || shot.body.subarray(0, 2).toString() === 'BM');
    const owner = await request({ url: `http://${p.ip}:${p.http_port}/CGI/Screenshot`, headers: { Authorization: basic(p.owner, d.phone_password) } });
    assert.equal(owner.status, 200);
    assert.equal((await request({ url: `http://${p.ip}:${p.http_port}/CGI/Screenshot`, headers: { Authorization: basic(d.phone_user, 'wrong') } })).status, 401);
    const info = await request({ url: `http://${p.ip}:${p.http_port}/DeviceInformationX` });
    assert.match(info.body.toString('latin1'), new RegExp(`<HostName>${p.name}</HostName>`));
    // A 98xx: nothing on the HTTP port, HTTPS with a certificate naming the device, from the phone CA.
    const t = d.phones.find((x) => x.scheme === 'https')!;
    await assert.rejects(request({ url: `http://${t.ip}:${d.phone_http_port}/DeviceInformationX` }), /ECONNREFUSED/);
    const sock = tlsConnect({ host: t.ip, port: d.phone_https_port, ca: readFileSync(d.phone_ca_bundle, 'utf8'), checkServerIdentity: () => undefined });
    const cert = await new Promise<PeerCertificate>((resolve, reject) => { sock.once('secureConnect', () => resolve(sock.getPeerCertificate())); sock.once('error', reject); });
    sock.destroy();
    assert.equal(cert.subject.CN, t.name);
    // Node reports a certificate without SAN as undefined, Deno as ''.
    assert.ok(!cert.subjectaltname, 'no SAN: the certificate names the device, not its address');
    assert.notEqual(readFileSync(d.phone_ca_bundle, 'utf8'), readFileSync(d.ca_bundle, 'utf8'), 'phones have their own CA');
  });

  test('SSH CLI: exec channel, shell with prompt and pager, and a stable host key', async () => {
    const out = await sshSession(lab, 'cucm-pub', (c) => exec(c, 'show version active'));
    assert.match(out, /Active Master Version: 14\.0\.1/);
    assert.match(out, /\[exit 0\]/);
    const bad = await sshSession(lab, 'cucm-sub1', (c) => exec(c, 'show nonsense'));
    assert.match(bad, /Executed command unsuccessfully[\s\S]*\[exit 1\]/);
    const cuc = await sshSession(lab, 'cuc-pub', (c) => exec(c, 'show cuc version'));
    assert.match(cuc, /Active version: /);
    assert.match(await sshSession(lab, 'imp-pub', (c) => exec(c, 'utils ha status')), /Subcluster Name: DefaultCUPSubcluster/);
    assert.match(await sshSession(lab, 'cuc-pub', (c) => exec(c, "run cuc dbquery unitydirdb select alias, dtmfaccessid from vw_user where alias = 'operator'")), /alias +dtmfaccessid\n-+ +-+\noperator +99990/);
    assert.match(await sshSession(lab, 'cucm-pub', (c) => exec(c, 'run sql select count(*) from device')), /count\n=+\n\d+/);
    const shell = await sshSession(lab, 'cucm-pub', (c) => new Promise((resolve, reject) => {
      c.shell({ rows: 10, cols: 120, term: 'vt100' }, (err, stream) => {
        if (err) { reject(err); return; }
        let buf = '';
        let step = 0;
        stream.on('data', (d: Buffer) => {
          buf += d.toString();
          if (step === 0 && buf.endsWith('admin:')) { step = 1; stream.write('show hardware\r'); }
          else if (step === 1 && buf.includes('to quit')) { step = 2; stream.write('q'); }
          else if (step === 2 && buf.endsWith('admin:')) { step = 3; stream.write('exit\r'); }
        });
        stream.on('close', () => resolve(buf));
      });
    }));
    assert.match(shell, /Welcome to the Platform Command Line Interface/);
    assert.ok(shell.includes('\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m\x1b[K'));
  });

  test('a phone renamed through AXL keeps its registration and web server under the new name', async () => {
    const d = lab.description;
    const p = d.phones[1]!;
    assert.equal((await axl(d, 'updatePhone', `<name>${p.name}</name><newName>SEP00000000AB12</newName>`)).status, 200);
    assert.match((await axl(d, 'executeSQLQuery', "<sql>select name from device where name = 'SEP00000000AB12'</sql>")).text, /<row><name>SEP00000000AB12<\/name><\/row>/);
    assert.equal(lab.data.registrations.get('SEP00000000AB12')?.ip, p.ip);
    const info = await request({ url: `http://${p.ip}:${p.http_port}/DeviceInformationX` });
    assert.match(info.text, /<HostName>SEP00000000AB12<\/HostName>/);
  });

  test('a second lab runs at the same time on other ports with the same host keys for the same seed', async () => {
    await withScratchLab('lab-test2-', { seed: 11, phones: 10, faults: 'auth:expired' }, async (other) => {
      assert.notEqual(node(other.description, 'cucm-pub').https_port, node(lab.description, 'cucm-pub').https_port);
      assert.equal(node(other.description, 'cucm-pub').ssh_host_key_sha256, node(lab.description, 'cucm-pub').ssh_host_key_sha256);
      assert.equal((await axl(other.description, 'getCCMVersion', '')).status, 401);
    });
  });
});

test('startLab() faults: 503 bursts, untrusted certificates and a changed host key', async () => {
  await withScratchLab('lab-faults-', { seed: 2, phones: 5, faults: 'axl:503:1,tls:untrusted,ssh:hostkey' }, async (lab) => {
    await assert.rejects(axl(lab.description, 'getCCMVersion', ''), /certificate/);
    const pub = node(lab.description, 'cucm-pub');
    const r = await request({ url: `https://${pub.host}:${pub.https_port}/axl/`, method: 'POST', headers: { Authorization: basic(pub.username, pub.password) }, body: '<x/>', ca: undefined }).catch((e: Error) => e);
    assert.ok(r instanceof Error);
    await assert.rejects(sshSession(lab, 'cucm-pub', async () => 'connected'));
  });
});
