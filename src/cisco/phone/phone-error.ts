/**
 * @module `<CiscoIPPhoneError Number="N"/>`: a phone's answer that a request failed, sent with
 * HTTP 200 in place of the screenshot or XML asked for. It becomes a tool error with Cisco's
 * meaning and the fix, never device data. Numbers 1–4 are in Cisco's IP Phone Services
 * Application Development Notes ("CiscoIPPhoneError"); 0, 5 and 6 are reported by public clients
 * (samples/phone/CiscoIPPhoneError-codes.txt).
 */
import type { AppError } from '../../lib/errors.ts';
import { upstreamError } from '../upstream-error.ts';
import type { UpstreamReason } from '../upstream-error.ts';

export const PHONE_ERRORS: Readonly<Record<number, { meaning: string; fix: string; reason: UpstreamReason }>> = {
  0: { meaning: 'authentication failure', fix: 'check the phone credentials (aibridge credentials set --purpose phone), that the user is associated with the device, and the phone\'s authentication URL in CUCM (Enterprise Parameters, "URL Authentication")', reason: 'auth_rejected' },
  1: { meaning: 'error parsing the CiscoIPPhoneExecute object', fix: 'the request the phone received was malformed; report it as an aibridge defect', reason: 'malformed_answer' },
  2: { meaning: 'error framing the CiscoIPPhoneResponse object', fix: 'the phone could not build its answer; retry, and restart the phone if it persists', reason: 'device_error' },
  3: { meaning: 'internal file error', fix: 'the phone could not read or write the file it needed (e.g. the screen capture); retry, and restart the phone if it persists', reason: 'device_error' },
  4: { meaning: 'authentication error', fix: 'associate the phone with the phone user (CUCM End User or Application User, "Controlled Devices"), give that user the "Standard CTI Allow Control of All Phones" and "Standard CTI Enabled" groups, enable Web Access on the phone, and check the authentication URL (Enterprise Parameters, "URL Authentication") resolves from the phone', reason: 'auth_rejected' },
  5: { meaning: 'network error', fix: 'the phone could not reach its authentication server (the CUCM authentication URL); check DNS and reachability from the phone\'s VLAN', reason: 'network_error' },
  6: { meaning: 'timeout error', fix: 'the phone\'s authentication server did not answer in time; check the CUCM node named in the authentication URL', reason: 'timeout' },
};

// eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
const ERROR_XML = /^\s*(?:<\?xml[^>]*\?>\s*)?<CiscoIPPhoneError\s+Number\s*=\s*["'](\d{1,3})["']\s*\/?>/;

/** The error number when `body` is a CiscoIPPhoneError document. */
export function phoneErrorNumber(body: Buffer): number | undefined {
  const m = ERROR_XML.exec(body.subarray(0, 512).toString('latin1'));
  return m ? Number(m[1]) : undefined;
}

export function phoneError(device: string, path: string, n: number): AppError {
  const known = PHONE_ERRORS[n];
  return upstreamError(known?.reason ?? 'device_error', `Phone "${device}" answered ${path} with CiscoIPPhoneError ${n}${known ? ` (${known.meaning})` : ' (a number Cisco does not document)'}`, {
    node: device, ciscoCode: n, hint: known?.fix ?? 'check the phone\'s web access settings and its authentication URL',
  });
}
