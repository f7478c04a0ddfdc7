/**
 * @module AXL schemas by version: from SERVER_<PRODUCT>_AXL_SCHEMAS_DIR/<ver>/ when the operator put
 * a toolkit there (e.g. with `aibridge schemas fetch`), else the copies bundled in the binary.
 * Compiled models are cached; types compile lazily (lib/xsd/schema-model).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../lib/errors.ts';
import { BUNDLED_AXL_VERSIONS, readAssetText } from '../../lib/assets.ts';
import { SchemaModel } from '../../lib/xsd/schema-model.ts';
import { upstreamError } from '../upstream-error.ts';

/** Versions shipped inside the binary (the one list is in lib/assets.ts). */
export { BUNDLED_AXL_VERSIONS };

export interface AxlSchema {
  version: string;
  model: SchemaModel;
  /** Operation names from the WSDL, sorted. */
  operations: readonly string[];
}

/**
 * Map a CUCM version ("14.0.1.13900-4", "12.5.1…", "11.5…") to the AXL schema version to use: the
 * newest schema not newer than the node. Never a newer namespace than the node speaks: a node
 * older than every schema at hand is refused with what to do.
 */
export function schemaVersionFor(reported: string, available: readonly string[] = BUNDLED_AXL_VERSIONS): string {
  const m = /^(\d+)\.(\d+)/.exec(reported.trim());
  if (!m) throw upstreamError('malformed_answer', `The node reported a CUCM version aibridge cannot read ("${reported.slice(0, 40)}")`, { hint: 'check getCCMVersion on the node' });
  const want = Number(m[1]) * 100 + Number(m[2]);
  const num = (v: string): number => { const [a, b] = v.split('.').map(Number); return (a ?? 0) * 100 + (b ?? 0); };
  const fit = [...available].sort((a, b) => num(a) - num(b)).filter((v) => num(v) <= want);
  const best = fit[fit.length - 1];
  if (best) return best;
  throw new AppError('E_NOT_FOUND', `This CUCM is ${m[1]}.${m[2]}, older than every AXL schema aibridge has (${[...available].sort((a, b) => num(a) - num(b)).join(', ')}); aibridge never sends a newer AXL version than the node's`, {
    hint: 'run `aibridge schemas fetch --node <node> --client <name>` to install the node\'s own AXL toolkit',
  });
}

export class AxlSchemas {
  #dir: string | undefined;
  #cache = new Map<string, AxlSchema>();

  /** `dir`: SERVER_<PRODUCT>_AXL_SCHEMAS_DIR resolved; may not exist. */
  constructor(dir?: string) {
    this.#dir = dir;
  }

  #read(version: string, file: string): string {
    const local = this.#dir ? join(this.#dir, version, file) : undefined;
    if (local && existsSync(local)) return readFileSync(local, 'utf8');
    if (!(BUNDLED_AXL_VERSIONS as readonly string[]).includes(version)) {
      throw new AppError('E_NOT_FOUND', `No AXL schema for version ${version}`, { hint: `put Cisco's AXL toolkit files in ${this.#dir ?? 'SERVER_CUCM_AXL_SCHEMAS_DIR'}/${version}/` });
    }
    return readAssetText(`axl/${version}/${file}`);
  }

  /** Versions on disk (the operator's toolkit) plus the bundled ones. */
  available(): string[] {
    const local = this.#dir && existsSync(this.#dir)
      ? readdirSync(this.#dir).filter((v) => /^\d{1,2}\.\d$/.test(v) && existsSync(join(this.#dir!, v, 'AXLSoap.xsd')) && existsSync(join(this.#dir!, v, 'AXLAPI.wsdl')))
      : [];
    return [...new Set([...local, ...BUNDLED_AXL_VERSIONS])].sort((a, b) => Number(a) - Number(b));
  }

  get(version: string): AxlSchema {
    const hit = this.#cache.get(version);
    if (hit) return hit;
    const model = new SchemaModel(this.#read(version, 'AXLSoap.xsd'));
    const wsdl = this.#read(version, 'AXLAPI.wsdl');
    const ops = new Set<string>();
    for (const m of wsdl.matchAll(/<(?:wsdl:)?operation name="([A-Za-z][A-Za-z0-9]*)"/g)) ops.add(m[1]!);
    const schema: AxlSchema = { version, model, operations: [...ops].filter((o) => model.hasElement(o)).sort() };
    this.#cache.set(version, schema);
    return schema;
  }
}
