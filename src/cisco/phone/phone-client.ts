/**
 * @module The IP phone web server: /CGI/Screenshot and /DeviceInformationX, with the cluster's
 * phone credential. The phone's address only ever comes from a RIS answer of a declared node;
 * phone TLS is not verified (Setup page, "Phone SSL verification"), so plain HTTP is used first.
 */
import { AppError } from '../../lib/errors.ts';
import { sendOutbound } from '../https-request.ts';
import type { OutboundResponse } from '../https-request.ts';
import { scanXml } from '../soap/xml-scan.ts';
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
export interface PhoneClientOptions { timeoutMs: number; maxBytes: number }

export class PhoneClient {
  #o: PhoneClientOptions;

  constructor(options: PhoneClientOptions) {
    this.#o = options;
  }

  async #get(t: PhoneTarget, path: string, opts: { login?: { user: string; password: string }; signal?: AbortSignal }): Promise<OutboundResponse> {
    const { login, signal } = opts;
    if (!isPhoneAddress(t.ip)) throw upstreamError('device_unregistered', `RIS reported no usable IP address for device "${t.device}" (got "${t.ip.slice(0, 45)}")`, { node: t.device, hint: 'the phone may be unregistered; check cucm_ris_devices' });
    const res = await sendOutbound({
      nodeName: t.device, host: t.ip, port: t.port, method: 'GET', path, headers: {}, timeoutMs: this.#o.timeoutMs, maxBytes: this.#o.maxBytes,
      ...(login ? { auth: login } : {}), ...(signal ? { signal } : {}),
    }).catch((err: unknown) => {
      if (!(err instanceof AppError)) throw err;
      throw upstreamError(reasonOf(err) ?? 'network_error', `Cannot reach the web server of phone "${t.device}" at ${t.ip}:${t.port} (address from RIS): ${/refused/i.test(err.message) ? 'connection refused' : /timed out/i.test(err.message) ? 'timed out' : err.message}`, {
        node: t.device, hint: 'the phone needs Web Access enabled and must be reachable from aibridge; SERVER_CUCM_PHONE_HTTP_PORT sets the port (80 on real phones)', cause: err,
      });
    });
    const phoneErr = phoneErrorNumber(res.body);
    if (phoneErr !== undefined) throw phoneError(t.device, path, phoneErr);
    if (res.status === 401) {
      throw upstreamError('auth_rejected', `Phone "${t.device}" refused the stored phone credentials`, { node: t.device, httpStatus: 401, hint: 'the phone user must be associated with the device and Web Access enabled; update with aibridge credentials set --purpose phone' });
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
