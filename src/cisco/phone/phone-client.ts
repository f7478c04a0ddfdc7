/**
 * @module The IP phone web server: /CGI/Screenshot and /DeviceInformationX, with the cluster's
 * phone credential. The phone's address only ever comes from a RIS answer of a declared node.
 *
 * HTTPS (98xx, and phones set to serve their pages only over TLS): verified, never blind. The chain
 * must lead to SERVER_CUCM_PHONE_CA_BUNDLE (Cisco Manufacturing CA for MIC, CAPF for LSC), and since
 * those certificates name the device (CN=SEP…) rather than its IP and often lack the Authority Key
 * Identifier (the setup spec's caveat), the name checked is the device name RIS reported. Without
 * that bundle aibridge speaks only HTTP to phones. `auto` tries HTTPS first when it can (so the
 * credential is not sent in clear to a phone that has TLS) and HTTP only when nothing listens on
 * the HTTPS port; a TLS failure is an error, never a reason to fall back to HTTP.
 */
import { AppError } from '../../lib/errors.ts';
import { sendOutbound } from '../https-request.ts';
import type { OutboundResponse } from '../https-request.ts';
import type { TlsPolicy } from '../tls-policy.ts';
import { scanXml } from '../../lib/xsd/xml-scan.ts';
import type { XValue } from '../../lib/xsd/xvalue.ts';
import { bmpToPng } from './bmp-to-png.ts';
import { phoneError, phoneErrorNumber } from './phone-error.ts';

import { isConnectableAddress } from '../../lib/ip-policy.ts';
import { httpReason, reasonOf, upstreamError } from '../upstream-error.ts';

/**
 * An address RIS may send us to, decided by the one parsed policy in lib/ip-policy.ts (issue #12
 * item 9), so a tampered RIS answer cannot aim aibridge at metadata services, link-local,
 * multicast or broadcast addresses in any textual form.
 */
export function isPhoneAddress(ip: string): boolean {
  return isConnectableAddress(ip);
}

export interface PhoneTarget { device: string; ip: string; port: number }

export type PhonePage = 'device' | 'network' | 'port' | 'streaming';
export const PHONE_PAGES: Record<PhonePage, string> = { device: '/DeviceInformationX', network: '/NetworkConfigurationX', port: '/PortInformationX', streaming: '/StreamingStatisticsX' };
export type PhoneWebProtocol = 'auto' | 'http' | 'https';
export interface PhoneClientOptions {
  timeoutMs: number;
  maxBytes: number;
  protocol?: PhoneWebProtocol;
  httpsPort?: number;
  /** Trust for phone certificates (loadPhoneTls); undefined = no HTTPS to phones. */
  tls?: TlsPolicy;
}

type Scheme = 'http' | 'https';
const MEMO_MAX = 10_000;

export class PhoneClient {
  #o: PhoneClientOptions;
  /** The scheme that last worked per device and address, tried first next time. */
  #memo = new Map<string, Scheme>();

  constructor(options: PhoneClientOptions) {
    this.#o = options;
  }

  #schemes(t: PhoneTarget): Scheme[] {
    const p = this.#o.protocol ?? 'auto';
    if (p === 'http') return ['http'];
    if (p === 'https') return ['https'];
    if (!this.#o.tls) return ['http'];
    return this.#memo.get(`${t.device}|${t.ip}`) === 'http' ? ['http', 'https'] : ['https', 'http'];
  }

  #remember(t: PhoneTarget, scheme: Scheme): void {
    if (this.#memo.size >= MEMO_MAX) this.#memo.clear();
    this.#memo.set(`${t.device}|${t.ip}`, scheme);
  }

  async #send(t: PhoneTarget, scheme: Scheme, path: string, login: { user: string; password: string } | undefined, signal: AbortSignal | undefined): Promise<OutboundResponse> {
    if (scheme === 'https' && !this.#o.tls) {
      throw new AppError('E_CONFIG_INVALID', `Phone web access over HTTPS needs the CA that signs the phone certificates, and none is configured`, { hint: 'set SERVER_CUCM_PHONE_CA_BUNDLE to a PEM with the Cisco Manufacturing CA (MIC) and the cluster\'s CAPF certificate (LSC); aibridge never uses unverified TLS' });
    }
    const port = scheme === 'https' ? this.#o.httpsPort ?? 443 : t.port;
    return sendOutbound({
      nodeName: t.device, host: t.ip, port, method: 'GET', path, headers: {}, timeoutMs: this.#o.timeoutMs, maxBytes: this.#o.maxBytes,
      ...(scheme === 'https' ? { tls: this.#o.tls!, peerName: t.device } : {}), ...(login ? { auth: login } : {}), ...(signal ? { signal } : {}),
    }).catch((err: unknown) => {
      if (!(err instanceof AppError)) throw err;
      const reason = reasonOf(err) ?? 'network_error';
      const tlsHint = reason === 'tls_untrusted' ? 'the phone certificate does not chain to SERVER_CUCM_PHONE_CA_BUNDLE: add the Cisco Manufacturing CA (MIC) or the cluster\'s CAPF certificate (LSC)'
        : reason === 'tls_hostname' ? `the certificate must name the device ${t.device} (CN or DNS SAN), as MIC and LSC certificates do; a different name means another device answers at this address`
          : reason === 'tls_expired' ? 'the phone certificate is expired or not yet valid: renew the LSC through CAPF and check the clocks' : undefined;
      throw upstreamError(reason, `Cannot reach the web server of phone "${t.device}" at ${scheme}://${t.ip}:${port} (address from RIS): ${/refused/i.test(err.message) ? 'connection refused' : /timed out/i.test(err.message) ? 'timed out' : err.message}`, {
        node: t.device, cause: err,
        hint: tlsHint ?? (scheme === 'https' ? 'the phone needs HTTPS web access enabled; SERVER_CUCM_PHONE_HTTPS_PORT sets the port (443 on real phones)'
          : this.#o.tls || (this.#o.protocol ?? 'auto') === 'http' ? 'the phone needs Web Access enabled and must be reachable from aibridge; SERVER_CUCM_PHONE_HTTP_PORT sets the port (80 on real phones)'
            : 'the phone needs Web Access enabled and must be reachable from aibridge (SERVER_CUCM_PHONE_HTTP_PORT). A phone that serves its pages only over HTTPS (98xx) needs SERVER_CUCM_PHONE_CA_BUNDLE set'),
      });
    });
  }

  async #get(t: PhoneTarget, path: string, opts: { login?: { user: string; password: string }; signal?: AbortSignal }): Promise<OutboundResponse> {
    const { login, signal } = opts;
    if (!isPhoneAddress(t.ip)) throw upstreamError('device_unregistered', `RIS reported no usable IP address for device "${t.device}" (got "${t.ip.slice(0, 45)}")`, { node: t.device, hint: 'the phone may be unregistered; check cucm_ris_devices' });
    const schemes = this.#schemes(t);
    let res: OutboundResponse | undefined;
    for (let i = 0; i < schemes.length && !res; i++) {
      const scheme = schemes[i]!;
      try {
        res = await this.#send(t, scheme, path, login, signal);
        // A phone that only serves HTTPS may answer HTTP with a redirect; the Location is never followed.
        if (scheme === 'http' && res.status >= 300 && res.status < 400 && /^https:/i.test(String(res.headers.location ?? '')) && i + 1 < schemes.length) { res = undefined; continue; }
        this.#remember(t, scheme);
      } catch (err) {
        // Only "nothing listens there" moves on to the other scheme; a TLS or HTTP failure is the answer.
        if (i + 1 < schemes.length && reasonOf(err) === 'connection_refused') continue;
        throw err;
      }
    }
    if (!res) throw upstreamError('network_error', `Phone "${t.device}" answered on no web port`, { node: t.device });
    const phoneErr = phoneErrorNumber(res.body);
    if (phoneErr !== undefined) throw phoneError(t.device, path, phoneErr);
    if (res.status === 401) {
      throw upstreamError('auth_rejected', `Phone "${t.device}" refused the stored phone credentials`, { node: t.device, httpStatus: 401, hint: 'the phone user must be associated with the device and Web Access enabled; update with aibridge credentials set --purpose phone' });
    }
    if (res.status >= 300 && res.status < 400 && /^https:/i.test(String(res.headers.location ?? ''))) {
      throw upstreamError('unsupported', `Phone "${t.device}" serves its web pages only over HTTPS`, { node: t.device, httpStatus: res.status, hint: 'set SERVER_CUCM_PHONE_CA_BUNDLE (Cisco Manufacturing CA / CAPF) so aibridge can verify the phone, and SERVER_CUCM_PHONE_WEB_PROTOCOL=auto or https' });
    }
    if (res.status !== 200) throw upstreamError(res.status === 404 ? 'unsupported' : httpReason(res.status), `Phone "${t.device}" answered HTTP ${res.status} for ${path}`, { node: t.device, httpStatus: res.status, hint: 'check that the phone\'s web server is enabled' });
    return res;
  }

  /** Screenshot as PNG (88xx phones send PNG; the BMP of 79xx phones is converted). */
  async screenshot(t: PhoneTarget, login: { user: string; password: string }, signal?: AbortSignal): Promise<{ data: Buffer; mimeType: string }> {
    const res = await this.#get(t, '/CGI/Screenshot', { login, ...(signal ? { signal } : {}) });
    const b = res.body;
    if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { data: b, mimeType: 'image/png' };
    if (b.subarray(0, 2).toString('latin1') === 'BM') return { data: bmpToPng(b), mimeType: 'image/png' };
    throw upstreamError('unsupported', `Phone "${t.device}" did not send an image`, { node: t.device, hint: 'this model may not support /CGI/Screenshot' });
  }

  /** DeviceInformationX as JSON. */
  deviceInfo(t: PhoneTarget, signal?: AbortSignal): Promise<XValue> {
    return this.statusPage(t, 'device', 1, signal);
  }

  /**
   * One of the phone's XML status pages as JSON. The path comes from a fixed table and a small
   * integer (stream 1-5, port 1-3), never from text an agent gave.
   */
  async statusPage(t: PhoneTarget, page: PhonePage, index: number, signal?: AbortSignal): Promise<XValue> {
    const max = page === 'streaming' ? 5 : page === 'port' ? 3 : 1;
    if (!Number.isInteger(index) || index < 1 || index > max) throw new AppError('E_INPUT_INVALID', `Page "${page}" takes an index from 1 to ${max}: got ${index}`, { hint: page === 'streaming' ? 'stream 1-5' : 'port 1 (network), 2 (PC), 3 (third port)' });
    const path = PHONE_PAGES[page] + (page === 'port' || page === 'streaming' ? `?${index}` : '');
    const res = await this.#get(t, path, signal ? { signal } : {});
    try { return scanXml(res.body.toString('latin1')).value; } catch (err) {
      throw upstreamError('malformed_answer', `Phone "${t.device}" sent an unreadable ${path} page`, { node: t.device, hint: 'the model may not support it', cause: err });
    }
  }
}
