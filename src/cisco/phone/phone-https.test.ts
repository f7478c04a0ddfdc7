/**
 * Phone web access over HTTPS on real sockets: a phone certificate like Cisco's MIC (CN = device
 * name, no SAN, no AKI) verified against the configured phone CA; HTTP only where nothing listens
 * on HTTPS; never a fall-back to HTTP after a TLS failure; no HTTPS at all without a CA.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { Server } from 'node:http';
import { AppError } from '../../lib/errors.ts';
import { createUntrustedCa, issuePhoneCert } from '../../lab/certs.ts';
import type { LabCa } from '../../lab/certs.ts';
import { PhoneClient } from './phone-client.ts';
import type { PhoneClientOptions } from './phone-client.ts';
import { reasonOf } from '../upstream-error.ts';

const INFO = '<?xml version="1.0" encoding="iso-8859-1"?>\n<DeviceInformation><HostName>SEP00AA00BB00CC</HostName><modelNumber>DP-9861</modelNumber></DeviceInformation>';
let ca: LabCa;
let other: LabCa;
const servers: Server[] = [];
const hits = { http: 0, https: 0 };
let ports = { http: 0, https: 0 };

function listen(s: Server, ip: string, port: number): Promise<number> {
  servers.push(s);
  return new Promise((resolve) => s.listen(port, ip, () => resolve((s.address() as { port: number }).port)));
}

before(async () => {
  ca = await createUntrustedCa();
  other = await createUntrustedCa();
  const answer = (scheme: 'http' | 'https') => (req: http.IncomingMessage, res: http.ServerResponse): void => { hits[scheme]++; req.resume(); res.writeHead(200, { 'Content-Type': 'text/xml' }).end(INFO); };
  // 127.0.20.1: HTTPS only, certificate for SEP00AA00BB00CC from `ca`.
  const good = await issuePhoneCert(ca, 'SEP00AA00BB00CC');
  ports.https = await listen(https.createServer({ cert: good.cert, key: good.key }, answer('https')), '127.0.20.1', 0);
  // 127.0.20.2: HTTP only (an 88xx with web access over HTTP).
  ports.http = await listen(http.createServer(answer('http')), '127.0.20.2', 0);
  // 127.0.20.3: HTTPS with a certificate naming another device, and HTTP too (must never be used after that).
  const wrong = await issuePhoneCert(ca, 'SEP999999999999');
  await listen(https.createServer({ cert: wrong.cert, key: wrong.key }, answer('https')), '127.0.20.3', ports.https);
  await listen(http.createServer(answer('http')), '127.0.20.3', ports.http);
  // 127.0.20.4: HTTPS signed by a CA nobody configured, and HTTP too.
  const stranger = await issuePhoneCert(other, 'SEP00AA00BB00CC');
  await listen(https.createServer({ cert: stranger.cert, key: stranger.key }, answer('https')), '127.0.20.4', ports.https);
  await listen(http.createServer(answer('http')), '127.0.20.4', ports.http);
  // 127.0.20.5: HTTP answers with a redirect to HTTPS, HTTPS serves.
  await listen(http.createServer((req, res) => { hits.http++; req.resume(); res.writeHead(302, { Location: 'https://198.51.100.9/DeviceInformationX' }).end(); }), '127.0.20.5', ports.http);
  await listen(https.createServer({ cert: good.cert, key: good.key }, answer('https')), '127.0.20.5', ports.https);
});
after(() => { for (const s of servers) { s.close(); s.closeAllConnections(); } });

const client = (o: Partial<PhoneClientOptions> = {}): PhoneClient => new PhoneClient({ timeoutMs: 5000, maxBytes: 100_000, httpsPort: ports.https, tls: { product: 'cucm', verify: true, ca: ca.pem, keys: ['SERVER_CUCM_PHONE_WEB_PROTOCOL', 'SERVER_CUCM_PHONE_CA_BUNDLE'] }, ...o });
const target = (ip: string, device = 'SEP00AA00BB00CC') => ({ device, ip, port: ports.http });
const reset = (): void => { hits.http = 0; hits.https = 0; };

test('an HTTPS-only phone is read over HTTPS, its MIC-like certificate verified by the phone CA and the device name', async () => {
  reset();
  const info = await client().deviceInfo(target('127.0.20.1'));
  assert.match(JSON.stringify(info), /"modelNumber":"DP-9861"/);
  assert.deepEqual(hits, { http: 0, https: 1 });
});

test('auto: HTTPS first, HTTP only where nothing listens on the HTTPS port; then HTTP first for that phone', async () => {
  reset();
  const c = client();
  await c.deviceInfo(target('127.0.20.2'));
  await c.deviceInfo(target('127.0.20.2'));
  assert.deepEqual(hits, { http: 2, https: 0 });
});

test('a certificate naming another device or from another CA is an error, never a fall-back to HTTP', async () => {
  reset();
  await assert.rejects(client().deviceInfo(target('127.0.20.3')), (e: unknown) => e instanceof AppError && reasonOf(e) === 'tls_hostname' && /must name the device SEP00AA00BB00CC/.test(e.hint ?? ''));
  await assert.rejects(client().deviceInfo(target('127.0.20.4')), (e: unknown) => e instanceof AppError && reasonOf(e) === 'tls_untrusted' && /SERVER_CUCM_PHONE_CA_BUNDLE/.test(e.hint ?? ''));
  assert.deepEqual(hits, { http: 0, https: 0 }, 'no request was sent on either connection');
});

test('without a phone CA there is no HTTPS at all: an HTTPS-only phone gets an error that says what to set', async () => {
  reset();
  const noCa = client({ tls: undefined });
  await assert.rejects(noCa.deviceInfo(target('127.0.20.1')), (e: unknown) => e instanceof AppError && reasonOf(e) === 'connection_refused' && /SERVER_CUCM_PHONE_CA_BUNDLE/.test(e.hint ?? ''));
  await assert.rejects(client({ tls: undefined, protocol: 'https' }).deviceInfo(target('127.0.20.1')), (e: unknown) => e instanceof AppError && e.code === 'E_CONFIG_INVALID');
  // A redirect to HTTPS is never followed (the Location could point anywhere).
  await assert.rejects(noCa.deviceInfo(target('127.0.20.5')), (e: unknown) => e instanceof AppError && /only over HTTPS/.test(e.message));
  assert.equal(hits.https, 0);
});

test('protocol http keeps to HTTP; protocol https keeps to HTTPS', async () => {
  reset();
  await assert.rejects(client({ protocol: 'http' }).deviceInfo(target('127.0.20.1')), (e: unknown) => e instanceof AppError && reasonOf(e) === 'connection_refused');
  await assert.rejects(client({ protocol: 'https' }).deviceInfo(target('127.0.20.2')), (e: unknown) => e instanceof AppError && reasonOf(e) === 'connection_refused');
  await client({ protocol: 'https' }).deviceInfo(target('127.0.20.5'));
  assert.deepEqual(hits, { http: 0, https: 1 });
});
