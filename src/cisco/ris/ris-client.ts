/**
 * @module RisPort70 over HTTPS to a declared CUCM node, with a per-node request budget (RIS
 * throttles per minute; Cisco's fault text is "Exceeded allowed rate for Reatime information").
 */
import type { CiscoNode } from '../cisco-node.ts';
import type { TlsPolicy } from '../tls-policy.ts';
import { NodeBudget } from '../node-budget.ts';
import { sendOutbound } from '../https-request.ts';
import { parseSoapAnswer, snippet } from '../soap/soap-response.ts';
import { buildRisRequest } from './ris-request.ts';
import type { RisQuery } from './ris-request.ts';
import { readRisAnswer } from './ris-answer.ts';
import type { RisAnswer } from './ris-answer.ts';
import { httpReason, upstreamError } from '../upstream-error.ts';

export interface RisClientOptions { tls: TlsPolicy; timeoutMs: number; maxBytes: number; perMinute: number }

export interface RisCall { node: CiscoNode; login: { user: string; password: string }; query: RisQuery; signal?: AbortSignal }

export class RisClient {
  #o: RisClientOptions;
  #budget: NodeBudget;

  constructor(options: RisClientOptions) {
    this.#o = options;
    this.#budget = new NodeBudget('RIS', options.perMinute);
  }

  async select(call: RisCall): Promise<RisAnswer> {
    const { node, login, query: q, signal } = call;
    this.#budget.spend(node.name);
    const res = await sendOutbound({
      nodeName: node.name, host: node.host, port: node.httpsPort, tls: this.#o.tls, ...(node.spkiPin ? { spkiPin: node.spkiPin } : {}),
      method: 'POST', path: '/realtimeservice2/services/RISService70', body: buildRisRequest(q), auth: login,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"selectCmDeviceExt"' }, timeoutMs: this.#o.timeoutMs, maxBytes: this.#o.maxBytes,
      ...(signal ? { signal } : {}),
    });
    const text = res.body.toString('utf8');
    if (res.status === 401) throw upstreamError('auth_rejected', `Node "${node.name}" rejected the stored credentials for RIS (HTTP 401)`, { node: node.name, httpStatus: 401, hint: 'the user needs the "Standard CCM Admin Users" and serviceability roles; update with aibridge credentials set' });
    if (/Exceeded allowed rate for Reatime information|RateControl/.test(text) || res.status === 503) {
      throw upstreamError('throttled', `Node "${node.name}" is throttling RIS requests`, { node: node.name, httpStatus: res.status, hint: 'wait about 30 s and retry' });
    }
    const ans = parseSoapAnswer(text, node.name);
    if (!ans.ok) throw upstreamError('soap_fault', `RIS selectCmDevice failed on node "${node.name}": ${snippet(ans.fault.faultstring)}`, { node: node.name, httpStatus: res.status, ciscoCode: ans.fault.code, hint: 'check the selection (names, class, status)' });
    if (res.status !== 200) throw upstreamError(httpReason(res.status), `RIS on node "${node.name}" answered HTTP ${res.status}`, { node: node.name, httpStatus: res.status, hint: 'check that the RIS Data Collector service runs' });
    return readRisAnswer(ans.value);
  }
}
