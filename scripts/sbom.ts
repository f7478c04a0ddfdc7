/**
 * CycloneDX 1.6 SBOM of what the binary really contains, built from esbuild's metafile: every npm
 * package with at least one bundled input file, at its installed (= locked) version, with licence,
 * purl and the lock file's SHA-512; plus the Node runtime the single executable embeds.
 * Why the metafile and not a dependency-tree tool such as @cyclonedx/cyclonedx-npm (not installed):
 * that lists what is installed, the metafile lists what esbuild actually put into the bundle.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';

interface Lock { packages: Record<string, { version?: string; integrity?: string; license?: string }> }
interface Component {
  type: 'library' | 'platform'; 'bom-ref': string; group?: string; name: string; version: string;
  licenses?: Array<{ license: { id: string } } | { expression: string }>; purl: string;
  hashes?: Array<{ alg: 'SHA-512'; content: string }>;
}

/** `node_modules/@scope/name/...` or nested `node_modules/a/node_modules/b/...` → the package folder. */
export function packageDirOf(input: string): string | undefined {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m?.[1];
}

function purlOf(name: string, version: string): string {
  return `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}@${version}`;
}

function licensesOf(license: string | undefined): Component['licenses'] {
  if (!license) return undefined;
  return /^[A-Za-z0-9.+-]+$/.test(license) ? [{ license: { id: license } }] : [{ expression: license }];
}

export function buildSbom(root: string, metafile: Metafile, product: { name: string; version: string; nodeVersion: string }): object {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lock;
  const dirs = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) { const d = packageDirOf(input); if (d) dirs.add(d); }
  const components: Component[] = [];
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string; licenses?: Array<{ type?: string }> };
    const locked = lock.packages[dir];
    if (!locked || locked.version !== pkg.version) throw new Error(`${dir} is ${pkg.version} but package-lock.json has ${locked?.version ?? 'nothing'}; run npm ci`);
    const slash = pkg.name.startsWith('@') ? pkg.name.indexOf('/') : -1;
    const c: Component = {
      type: 'library', 'bom-ref': `${purlOf(pkg.name, pkg.version)}#${dir}`,
      ...(slash > 0 ? { group: pkg.name.slice(0, slash), name: pkg.name.slice(slash + 1) } : { name: pkg.name }),
      version: pkg.version, purl: purlOf(pkg.name, pkg.version),
    };
    // Old packages (ssh2) still use the deprecated `licenses: [{type}]` array.
    const lic = licensesOf(locked.license ?? pkg.license ?? (pkg.licenses?.map((l) => l.type).filter(Boolean).join(' OR ') || undefined));
    if (lic) c.licenses = lic;
    const sri = locked.integrity?.startsWith('sha512-') ? Buffer.from(locked.integrity.slice(7), 'base64').toString('hex') : undefined;
    if (sri) c.hashes = [{ alg: 'SHA-512', content: sri }];
    components.push(c);
  }
  components.push({ type: 'platform', 'bom-ref': `pkg:generic/node@${product.nodeVersion}`, name: 'node', version: product.nodeVersion, licenses: [{ license: { id: 'MIT' } }], purl: `pkg:generic/node@${product.nodeVersion}` });
  // Same inputs, same SBOM: the serial number derives from the component list, not from the clock.
  const digest = createHash('sha256').update(JSON.stringify(components)).digest('hex');
  const serial = `urn:uuid:${digest.slice(0, 8)}-${digest.slice(8, 12)}-5${digest.slice(13, 16)}-a${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
  return {
    bomFormat: 'CycloneDX', specVersion: '1.6', serialNumber: serial, version: 1,
    metadata: {
      tools: { components: [{ type: 'application', name: 'aibridge scripts/sbom.ts (esbuild metafile)', version: product.version }] },
      component: { type: 'application', 'bom-ref': `pkg:generic/${product.name}@${product.version}`, name: product.name, version: product.version, purl: `pkg:generic/${product.name}@${product.version}` },
    },
    components,
  };
}
