/**
 * @module Files shipped inside the binary. In the single executable they are SEA assets (gzipped
 * by scripts/build.ts); from source (Node or Deno) they are read from the project tree.
 * Add an entry to ASSET_SOURCES and the build embeds it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AppError } from './errors.ts';

/**
 * The one list of AXL schema versions: the ones embedded in the binary (Cisco's AXL toolkit files
 * as the cisco-axl package carries them, 11.0 to 15.0; there is no 13.x). The AXL client
 * (cisco/axl/axl-schemas.ts) and the lab (lab/axl/axl-schemas.ts) use it.
 */
export const BUNDLED_AXL_VERSIONS = ['11.0', '11.5', '12.0', '12.5', '14.0', '15.0'] as const;
const AXL_FILES = ['AXLAPI.wsdl', 'AXLEnums.xsd', 'AXLSoap.xsd'] as const;

function axlAssets(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of BUNDLED_AXL_VERSIONS) for (const f of AXL_FILES) out[`axl/${v}/${f}`] = `node_modules/cisco-axl/schema/${v}/${f}`;
  return out;
}

/** Asset name → path relative to the project root. */
export const ASSET_SOURCES: Readonly<Record<string, string>> = {
  ...axlAssets(),
  'profiles/admin.json': 'profiles/_default/admin.json',
  'profiles/operator.json': 'profiles/_default/operator.json',
  'profiles/auditor.json': 'profiles/_default/auditor.json',
  'profiles/approver.json': 'profiles/_default/approver.json',
  'auth/login.html': 'src/auth/oauth/assets/login.html',
  'auth/error.html': 'src/auth/oauth/assets/error.html',
  'auth/login.css': 'src/auth/oauth/assets/login.css',
  'env.example': '.env.example',
  'release-public.pem': 'dist/release-public.pem',
  'release-key-kind': 'dist/release-key-kind',
  'sbom.cdx.json': 'dist/aibridge.cdx.json',
  'sbom.cdx.json.sig': 'dist/aibridge.cdx.json.sig',
};

interface SeaModule { isSea(): boolean; getAsset(key: string): ArrayBuffer }

function seaModule(): SeaModule | undefined {
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const sea = getBuiltin?.('node:sea') as SeaModule | undefined;
  return sea && typeof sea.isSea === 'function' && sea.isSea() ? sea : undefined;
}

/** True inside the single executable. */
export function isSingleExecutable(): boolean {
  return seaModule() !== undefined;
}

let projectRootCache: string | undefined;

/** The source tree root (folder with our package.json), found from the entry script or cwd. */
export function projectRoot(): string {
  if (projectRootCache) return projectRootCache;
  const starts = [process.argv[1] ? dirname(resolve(process.argv[1])) : '', process.cwd()].filter(Boolean);
  for (const start of starts) {
    let dir = start;
    for (;;) {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg) && /"name":\s*"aibridge"/.test(readFileSync(pkg, 'utf8'))) return (projectRootCache = dir);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new AppError('E_NOT_FOUND', 'Cannot find the aibridge source tree for bundled files', {
    hint: 'run from the project folder or use the built binary',
  });
}

/** Bytes of an embedded file. */
export function readAsset(name: string): Buffer {
  const sea = seaModule();
  if (sea) {
    try {
      return gunzipSync(Buffer.from(sea.getAsset(`${name}.gz`)));
    } catch (err) {
      throw new AppError('E_NOT_FOUND', `Embedded file "${name}" is missing from this binary`, { hint: 'rebuild with npm run build', cause: err });
    }
  }
  const rel = ASSET_SOURCES[name];
  if (!rel) throw new AppError('E_NOT_FOUND', `Unknown embedded file "${name}"`, { hint: 'add it to ASSET_SOURCES in src/lib/assets.ts' });
  return readFileSync(join(projectRoot(), rel));
}

/** Text of an embedded file. */
export function readAssetText(name: string): string {
  return readAsset(name).toString('utf8');
}
