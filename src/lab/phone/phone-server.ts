/**
 * @module The web server of one lab phone on its own loopback address (BEHAVIOUR.md §5):
 * /CGI/Screenshot (Basic auth as the owner or the phone application user; PNG on 78xx/88xx,
 * BMP on 79xx), /DeviceInformationX (iso-8859-1 XML) and /CGI/Execute; 98xx phones over HTTPS only,
 * with a MIC-like certificate (CN = device name, no SAN, no AKI) from the lab's phone CA.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { LeafPem } from '../certs.ts';
import type { XObject } from '../../lib/xsd/xvalue.ts';
import { xList, xObj, xText } from '../../lib/xsd/xvalue.ts';
import { XmlWriter } from '../../lib/xsd/xml-writer.ts';
import type { LabData } from '../lab-data.ts';
import type { FaultDice } from '../faults.ts';
import { phoneModel } from '../models.ts';
import { basicCredentials, safeEqual } from '../http-util.ts';
import { encodeBmp, encodePng, renderScreen } from './screen-image.ts';

function deviceInformation(phone: XObject): string {
  const name = xText(phone.name);
  const m = phoneModel(xText(phone.model));
  const dn = xText(xObj(xObj(xList(xObj(phone.lines)?.line)[0])?.dirn)?.pattern);
  const w = new XmlWriter().raw('<?xml version="1.0" encoding="iso-8859-1"?>\n');
  w.open('DeviceInformation').leaf('MACAddress', name.slice(3)).leaf('HostName', name).leaf('phoneDN', dn)
    .leaf('appLoadID', m.activeLoad).leaf('bootLoadID', m.activeLoad.replace(/^sip/, 'boot')).leaf('versionID', m.activeLoad.replace(/^[a-z0-9_]+\./i, ''))
    .leaf('addonModule1', '').leaf('addonModule2', '').leaf('hardwareRevision', '1.0').leaf('serialNumber', `FCH${name.slice(-8)}`)
    .leaf('modelNumber', m.modelNumber).leaf('MessageWaiting', 'No')
    .leaf('udi', `phone Cisco IP Phone ${m.modelNumber.slice(3)}, Global ${m.modelNumber} FCH${name.slice(-8)}`)
    .leaf('time', new Date().toISOString().slice(11, 16)).leaf('timezone', 'UTC').leaf('date', new Date().toISOString().slice(0, 10))
    .close();
  return w.toString();
}

/** NetworkConfigurationX: addressing as the phone learnt it (DHCP), TFTP and CUCM servers. */
function networkConfiguration(phone: XObject, data: LabData, ip: string): string {
  const name = xText(phone.name);
  const reg = data.registrations.get(name.toUpperCase());
  const cms = data.cucmNodes.map((n) => `${n}  ${n === reg?.node ? 'Active' : 'Standby'}`);
  const w = new XmlWriter().raw('<?xml version="1.0" encoding="iso-8859-1"?>\n');
  w.open('NetworkConfiguration').leaf('DHCPServer', '127.0.0.1').leaf('BOOTPServer', 'No').leaf('MACAddress', name.slice(3)).leaf('HostName', name)
    .leaf('DomainName', 'lab.example.com').leaf('IPAddress', ip).leaf('SubNetMask', '255.0.0.0').leaf('DefaultRouter1', '127.0.0.1')
    .leaf('DNSServer1', '127.0.0.53').leaf('TFTPServer1', '127.0.0.11').leaf('TFTPServer2', '127.0.0.12').leaf('OperationalVLANId', '100').leaf('AdminVLANId', '100')
    .leaf('CallManager1', cms[0] ?? '').leaf('CallManager2', cms[1] ?? '').leaf('DHCPEnabled', 'Yes').leaf('AlternateTFTP', 'No').leaf('ForwardingDelay', 'Disabled')
    .leaf('UserLocale', 'English_United_States').leaf('NetworkLocale', 'United_States').leaf('LoadServer', '').leaf('CDPEnabled', 'Yes').leaf('LLDPEnabled', 'Yes')
    .leaf('IPv6Enabled', 'No').close();
  return w.toString();
}

/** PortInformationX?N (1 = network port, 2 = PC port): link state and counters. */
function portInformation(n: number): string {
  const w = new XmlWriter().raw('<?xml version="1.0" encoding="iso-8859-1"?>\n');
  w.open('PortInformation').leaf('PortNumber', String(n)).leaf('PortStatus', n === 1 ? 'Full, 1000' : 'Down').leaf('rxTotalPkt', n === 1 ? '183211' : '0')
    .leaf('rxCrcErr', '0').leaf('rxAlignErr', '0').leaf('rxMulticast', n === 1 ? '2311' : '0').leaf('rxBroadcast', n === 1 ? '911' : '0').leaf('rxUnicast', n === 1 ? '179989' : '0')
    .leaf('txTotalPkt', n === 1 ? '176550' : '0').leaf('txBroadcast', n === 1 ? '31' : '0').leaf('lldpNeighborDeviceId', n === 1 ? 'access-switch-1' : '').leaf('cdpNeighborPort', n === 1 ? 'GigabitEthernet1/0/7' : '').close();
  return w.toString();
}

/** StreamingStatisticsX?N (1..5): the RTP stream of the call the phone is in now, or an idle stream. */
function streamingStatistics(phone: XObject, data: LabData, ip: string, n: number): string {
  const name = xText(phone.name);
  const now = Date.now() / 1000;
  const call = n === 1 ? data.calls.find((c) => c.connect && c.connect <= now && now < c.disconnect && (c.caller.device === name || c.callee?.device === name)) : undefined;
  const mine = call ? (call.caller.device === name ? call.caller : call.callee!) : undefined;
  const other = call ? (call.caller.device === name ? call.callee! : call.caller) : undefined;
  const secs = call ? Math.floor(now - call.connect) : 0;
  const mos = call ? (call.caller.device === name ? call.mosCaller : call.mosCallee) ?? 4.2 : 0;
  const w = new XmlWriter().raw('<?xml version="1.0" encoding="iso-8859-1"?>\n');
  w.open('StreamingStatistics').leaf('DomainName', 'lab.example.com').leaf('Name', name)
    .leaf('RemoteAddr', other ? `${other.ip}/${16384 + (call!.id % 8000) * 2}` : '').leaf('LocalAddr', mine ? `${ip}/${16386 + (call!.id % 8000) * 2}` : '')
    .leaf('StartTime', call ? new Date(call.connect * 1000).toISOString().slice(11, 19) : '').leaf('StreamStatus', call ? 'Active' : 'Not Ready')
    .leaf('Host', name).leaf('SenderPackets', String(secs * 50)).leaf('SenderOctets', String(secs * 8000)).leaf('SenderCodec', call ? 'G.711u' : '')
    .leaf('SenderReportsSent', String(Math.floor(secs / 5))).leaf('RcvrPackets', String(Math.max(0, secs * 50 - (mos < 3 ? secs * 2 : 0)))).leaf('RcvrOctets', String(secs * 8000))
    .leaf('RcvrCodec', call ? 'G.711u' : '').leaf('RcvrLostPackets', String(mos < 3 ? secs * 2 : 0)).leaf('AvgJitter', call ? (mos < 3 ? '38' : '2') : '0')
    .leaf('MaxJitter', call ? (mos < 3 ? '61' : '5') : '0').leaf('RcvrDiscarded', '0').leaf('CumulativeConcealmentRatio', mos < 3 && call ? '0.0410' : '0.0000')
    .leaf('MOSLQK', call ? mos.toFixed(4) : '0.0000').leaf('AvgMOSLQK', call ? (mos - 0.05).toFixed(4) : '0.0000').leaf('MinMOSLQK', call ? (mos - 0.3).toFixed(4) : '0.0000')
    .leaf('MaxMOSLQK', call ? Math.min(4.5, mos + 0.1).toFixed(4) : '0.0000').leaf('MOSLQKVersion', '0.95').close();
  return w.toString();
}

function isPhoneUser(phone: XObject, data: LabData, user: string, password: string): boolean {
  const owner = xText(phone.ownerUserName);
  const okUser = safeEqual(user, data.credentials.phoneUser) || (owner !== '' && safeEqual(user, owner));
  return okUser && safeEqual(password, data.credentials.phonePassword);
}

/**
 * Start one phone's web server on `ip`; `port` 0 lets the OS choose (the first phone picks the
 * lab's phone port). With `tls` it serves HTTPS only, as a 98xx does (nothing on the HTTP port).
 */
export function startPhoneServer(opts: { phone: XObject; ip: string; port: number; data: LabData; faults: FaultDice; tls?: LeafPem }): Promise<Server> {
  const { ip, data, faults } = opts;
  const uuid = String(opts.phone['@uuid']);
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Looked up on every request: AXL may have renamed or removed the phone meanwhile.
    const phone = data.axl.byUuid('Phone', uuid);
    if (!phone) { req.socket.destroy(); return; }
    const phoneName = xText(phone.name);
    await faults.delay();
    const failed = faults.httpError('phone');
    if (failed) { res.writeHead(failed, { 'Content-Type': 'text/html' }).end(`<html><body>${failed}</body></html>`); return; }
    const [path, query = ''] = (req.url ?? '/').split('?');
    const xml = (text: string): void => { res.writeHead(200, { 'Content-Type': 'text/xml' }).end(Buffer.from(text, 'latin1')); };
    if (req.method === 'GET' && path === '/DeviceInformationX') { xml(deviceInformation(phone)); return; }
    if (req.method === 'GET' && path === '/NetworkConfigurationX') { xml(networkConfiguration(phone, data, ip)); return; }
    const index = /^[1-5]$/.test(query) ? Number(query) : undefined;
    if (req.method === 'GET' && path === '/PortInformationX' && index !== undefined && index <= 3) { xml(portInformation(index)); return; }
    if (req.method === 'GET' && path === '/StreamingStatisticsX' && index !== undefined) { xml(streamingStatistics(phone, data, ip, index)); return; }
    // A phone reports a failed request as CiscoIPPhoneError with HTTP 200, not as an HTTP error.
    const pe = faults.plan.phoneError;
    if ((path === '/CGI/Screenshot' || path === '/CGI/Execute') && pe && faults.roll(pe.rate)) {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(`<?xml version="1.0" encoding="utf-8"?>\n<CiscoIPPhoneError Number="${pe.number}"/>\n`);
      return;
    }
    if (path === '/CGI/Screenshot' || path === '/CGI/Execute') {
      const c = basicCredentials(req);
      if (!c || faults.plan.credentialsExpired || !isPhoneUser(phone, data, c.user, c.password)) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="user"', 'Content-Type': 'text/html' }).end('<html><body>401 Unauthorized</body></html>');
        return;
      }
      if (path === '/CGI/Execute') {
        req.resume();
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<?xml version="1.0" encoding="utf-8"?><CiscoIPPhoneResponse><ResponseItem URL="" Data="Success" Status="0"/></CiscoIPPhoneResponse>');
        return;
      }
      const m = phoneModel(xText(phone.model));
      const line = xObj(xList(xObj(phone.lines)?.line)[0]);
      const canvas = renderScreen({
        width: m.width, height: m.height, model: m.model, name: phoneName, extension: xText(xObj(line?.dirn)?.pattern),
        label: xText(line?.label) || xText(phone.description), time: new Date().toISOString().slice(11, 16),
      });
      const img = m.screenshot === 'png' ? encodePng(canvas) : encodeBmp(canvas);
      res.writeHead(200, { 'Content-Type': m.screenshot === 'png' ? 'image/png' : 'image/bmp', 'Content-Length': String(img.length) }).end(img);
      return;
    }
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<html><head><title>Cisco Systems, Inc.</title></head><body><h2>Device Information</h2><p>${phoneName}</p></body></html>`);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>404 Not Found</body></html>');
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, (q, r) => { void handler(q, r); }) : http.createServer((q, r) => { void handler(q, r); });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, ip, () => { server.off('error', reject); resolve(server); });
  });
}
