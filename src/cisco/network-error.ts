/** @module Turn socket and TLS failures into errors that say what to configure (reasons: upstream-error.ts). */
import type { AppError } from '../lib/errors.ts';
import { upstreamError } from './upstream-error.ts';

export interface NetworkErrorContext {
  node: string;
  host: string;
  timedOut: boolean;
  timeoutMs: number;
  /** [verify key, CA bundle key] for TLS hints. */
  tlsKeys: [string, string] | undefined;
  /** Replaces the generic hint of a connection failure (SSH names its own port settings). */
  hint?: string;
}

const TLS_CODES = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE']);

export function describeNetworkError(err: unknown, c: NetworkErrorContext): AppError {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  const where = `node "${c.node}" (${c.host})`;
  const o = { cause: err, node: c.node };
  if (c.timedOut || code === 'ETIMEDOUT' || e.message === 'ETIMEDOUT') {
    return upstreamError('timeout', `Timed out after ${Math.round(c.timeoutMs / 1000)} s waiting for ${where}`, { ...o, hint: 'check that the node is up and reachable, or raise the product\'s timeout in .env' });
  }
  if (code === 'ECONNREFUSED') return upstreamError('connection_refused', `Connection refused by ${where}`, { ...o, hint: c.hint ?? 'check the host and port in CISCO_NODES / CISCO_NODE_PORTS and that the service runs' });
  if (code === 'ENOTFOUND') return upstreamError('dns_not_found', `Cannot resolve the host of ${where}`, { ...o, hint: 'check the host name in CISCO_NODES and DNS' });
  if (code === 'EAI_AGAIN') return upstreamError('dns_temporary', `The DNS resolver did not answer for the host of ${where}`, { ...o, hint: 'retry; if it persists check the resolver (/etc/resolv.conf) or declare the node by IP address' });
  if (code === 'ECONNRESET' || code === 'EPIPE') return upstreamError('connection_reset', `Connection to ${where} was reset`, { ...o, hint: c.hint ?? 'retry; if it persists check the node and any proxy or firewall in between' });
  const [vk, ck] = c.tlsKeys ?? ['SSL_VERIFY', 'SSL_CA_BUNDLE'];
  if (TLS_CODES.has(code)) return upstreamError('tls_untrusted', `TLS certificate of ${where} is not trusted (${code})`, { ...o, hint: `put the node's CA or certificate chain (PEM) in ${ck}, or pin it with CISCO_NODE_PINS; ${vk}=0 turns verification off (not recommended)` });
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return upstreamError('tls_expired', `TLS certificate of ${where} is expired or not yet valid`, { ...o, hint: 'renew the node\'s tomcat certificate and check the clocks' });
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return upstreamError('tls_hostname', `TLS certificate of ${where} does not name that host`, { ...o, hint: 'declare the node with the host name its certificate carries (CISCO_NODES), or reissue the certificate' });
  return upstreamError('network_error', `Cannot reach ${where}: ${e.message ?? String(err)}`, { ...o, hint: c.hint ?? 'check the node inventory in .env and network reachability' });
}
