/**
 * @module The web server of one lab phone on its own loopback address (BEHAVIOUR.md §5):
 * /CGI/Screenshot (Basic auth as the owner or the phone application user; PNG on 78xx/88xx,
 * BMP on 79xx), /DeviceInformationX (iso-8859-1 XML) and /CGI/Execute.
 */
import http from 'node:http';
import type { Server } from 'node:http';
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

function isPhoneUser(phone: XObject, data: LabData, user: string, password: string): boolean {
  const owner = xText(phone.ownerUserName);
  const okUser = safeEqual(user, data.credentials.phoneUser) || (owner !== '' && safeEqual(user, owner));
  return okUser && safeEqual(password, data.credentials.phonePassword);
}

/** Start the web server of `phone` on `ip` (port chosen by the OS); resolves once listening. */
/** Start one phone's web server on `ip`; `port` 0 lets the OS choose (the first phone picks the lab's phone port). */
export function startPhoneServer(opts: { phone: XObject; ip: string; port: number; data: LabData; faults: FaultDice }): Promise<Server> {
  const { ip, data, faults } = opts;
  const uuid = String(opts.phone['@uuid']);
  const server = http.createServer(async (req, res) => {
    // Looked up on every request: AXL may have renamed or removed the phone meanwhile.
    const phone = data.axl.byUuid('Phone', uuid);
    if (!phone) { req.socket.destroy(); return; }
    const phoneName = xText(phone.name);
    await faults.delay();
    const failed = faults.httpError('phone');
    if (failed) { res.writeHead(failed, { 'Content-Type': 'text/html' }).end(`<html><body>${failed}</body></html>`); return; }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/DeviceInformationX') {
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(Buffer.from(deviceInformation(phone), 'latin1'));
      return;
    }
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
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, ip, () => { server.off('error', reject); resolve(server); });
  });
}
