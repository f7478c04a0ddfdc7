/**
 * @module Cisco's AXL toolkit from a node (`/plugins/axlsqltoolkit.zip`, the download behind CUCM
 * Administration → Application → Plugins), unpacked into SERVER_<PRODUCT>_AXL_SCHEMAS_DIR/<ver>/.
 * Only the three schema files per version are taken, under names we choose (no zip-slip).
 */
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { writeFileAtomicSync } from '../../lib/atomic-write.ts';
import type { CiscoNode } from '../cisco-node.ts';
import type { TlsPolicy } from '../tls-policy.ts';
import { sendOutbound } from '../https-request.ts';
import { httpReason, upstreamError } from '../upstream-error.ts';

const ENTRY = /(?:^|\/)schema\/(\d{1,2}\.\d)\/(AXLAPI\.wsdl|AXLEnums\.xsd|AXLSoap\.xsd)$/;
const MAX_ZIP_BYTES = 64 * 1024 * 1024;
const MAX_FILE_BYTES = 32 * 1024 * 1024;

export async function downloadAxlToolkit(node: CiscoNode, login: { user: string; password: string }, how: { tls: TlsPolicy; timeoutMs: number }): Promise<Buffer> {
  const { tls, timeoutMs } = how;
  const res = await sendOutbound({
    nodeName: node.name, host: node.host, port: node.httpsPort, tls, ...(node.spkiPin ? { spkiPin: node.spkiPin } : {}),
    method: 'GET', path: '/plugins/axlsqltoolkit.zip', headers: {}, auth: login, timeoutMs, maxBytes: MAX_ZIP_BYTES,
  });
  if (res.status !== 200) throw upstreamError(httpReason(res.status), `Node "${node.name}" answered HTTP ${res.status} for /plugins/axlsqltoolkit.zip`, { node: node.name, httpStatus: res.status, hint: 'download the AXL toolkit from CUCM Administration → Application → Plugins and unpack its schema/<version>/ folders into the schemas folder' });
  return res.body;
}

/** Unpack the schema files of every version in the zip into `dir/<ver>/`; returns the versions. */
export function installAxlToolkit(zip: Buffer, dir: string): string[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, { filter: (f) => ENTRY.test(f.name) && f.originalSize <= MAX_FILE_BYTES });
  } catch (err) {
    throw upstreamError('malformed_answer', 'The AXL toolkit download is not a readable zip file', { hint: 'retry, or unpack the toolkit by hand', cause: err });
  }
  const versions = new Map<string, Map<string, Uint8Array>>();
  for (const [name, data] of Object.entries(files)) {
    const m = ENTRY.exec(name)!;
    const v = versions.get(m[1]!) ?? new Map<string, Uint8Array>();
    v.set(m[2]!, data);
    versions.set(m[1]!, v);
  }
  const complete = [...versions].filter(([, f]) => f.size === 3);
  if (complete.length === 0) throw upstreamError('malformed_answer', 'The AXL toolkit holds no schema/<version>/ folder with AXLAPI.wsdl, AXLEnums.xsd and AXLSoap.xsd', { hint: 'check the download' });
  for (const [v, f] of complete) for (const [file, data] of f) writeFileAtomicSync(join(dir, v, file), data, { mode: 0o644, dirMode: 0o755 });
  return complete.map(([v]) => v).sort();
}
