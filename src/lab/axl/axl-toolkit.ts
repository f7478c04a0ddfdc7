/** @module /plugins/axlsqltoolkit.zip: the AXL schema files of the versions this node supports, laid out like Cisco's toolkit. */
import { zipSync } from 'fflate';
import { readAsset } from '../../lib/assets.ts';
import { AXL_VERSIONS } from './axl-schemas.ts';

const FILES = ['AXLAPI.wsdl', 'AXLEnums.xsd', 'AXLSoap.xsd'];
const CACHE = new Map<string, Buffer>();

export function axlToolkitZip(labVersion: string): Buffer {
  const hit = CACHE.get(labVersion);
  if (hit) return hit;
  const tree: Record<string, Uint8Array> = {};
  // The node's own version and the supported older ones down to 12.5 (older nodes: their own only),
  // which keeps the zip the size a 14.0 node's toolkit had before 11.x schemas were bundled.
  for (const v of AXL_VERSIONS.filter((x) => Number(x) <= Number(labVersion) && (Number(x) >= 12.5 || x === labVersion))) {
    for (const f of FILES) {
      const data = new Uint8Array(readAsset(`axl/${v}/${f}`));
      tree[`axlsqltoolkit/schema/${v}/${f}`] = data;
      if (v === labVersion) tree[`axlsqltoolkit/schema/current/${f}`] = data;
    }
  }
  tree['axlsqltoolkit/README.txt'] = new TextEncoder().encode('AXL schema files for this Cisco Unified CM lab node (aibridge lab).\n');
  const zip = Buffer.from(zipSync(tree, { level: 6 }));
  CACHE.set(labVersion, zip);
  return zip;
}
