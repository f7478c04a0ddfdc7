/** @module Turn socket and TLS failures into errors that say what to configure. */
import { AppError } from '../lib/errors.ts';

export interface NetworkErrorContext {
  node: string;
  host: string;
  timedOut: boolean;
  timeoutMs: number;
  /** [verify key, CA bundle key] for TLS hints. */
  tlsKeys: [string, string] | undefined;
}

const TLS_CODES = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE']);

export function describeNetworkError(err: unknown, c: NetworkErrorContext): AppError {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  const where = `node "${c.node}" (${c.host})`;
  if (c.timedOut || code === 'ETIMEDOUT' || e.message === 'ETIMEDOUT') {
    return new AppError('E_UPSTREAM', `Timed out after ${Math.round(c.timeoutMs / 1000)} s waiting for ${where}`, { hint: 'check that the node is up and reachable, or raise the product\'s timeout in .env', cause: err });
  }
  if (code === 'ECONNREFUSED') return new AppError('E_UPSTREAM', `Connection refused by ${where}`, { hint: 'check the host and port in CISCO_NODES / CISCO_NODE_PORTS and that the service runs', cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('E_UPSTREAM', `Cannot resolve the host of ${where}`, { hint: 'check the host name in CISCO_NODES and DNS', cause: err });
  if (code === 'ECONNRESET' || code === 'EPIPE') return new AppError('E_UPSTREAM', `Connection to ${where} was reset`, { hint: 'retry; if it persists check the node and any proxy or firewall in between', cause: err });
  const [vk, ck] = c.tlsKeys ?? ['SSL_VERIFY', 'SSL_CA_BUNDLE'];
  if (TLS_CODES.has(code)) return new AppError('E_UPSTREAM', `TLS certificate of ${where} is not trusted (${code})`, { hint: `put the node's CA or certificate chain (PEM) in ${ck}, or pin it with CISCO_NODE_PINS; ${vk}=0 turns verification off (not recommended)`, cause: err });
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return new AppError('E_UPSTREAM', `TLS certificate of ${where} is expired or not yet valid`, { hint: 'renew the node\'s tomcat certificate and check the clocks', cause: err });
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return new AppError('E_UPSTREAM', `TLS certificate of ${where} does not name that host`, { hint: 'declare the node with the host name its certificate carries (CISCO_NODES), or reissue the certificate', cause: err });
  return new AppError('E_UPSTREAM', `Cannot reach ${where}: ${e.message ?? String(err)}`, { hint: 'check the node inventory in .env and network reachability', cause: err });
}
