/**
 * Dependency rules from STYLE.md and ARCHITECTURE.md, checked in `npm test`: no import cycles
 * between source files (type-only imports excluded: they vanish at run time), and the layer rules
 * below, which count type-only imports too (a type import still couples the layers):
 * - `lib` imports nothing of ours; `config` and `log` import only `lib`, `config` and `log`;
 * - the state layer (`keys`, `audit`, `tls`, `credentials`, `metrics`, `ratelimit`, `state`,
 *   `changes`) imports only the bottom and itself: never a domain area (`auth`, `rbac`, `license`,
 *   `cisco`, `lab`, `reports`, `health`) or anything above;
 * - `rbac` and `license` never import `auth`; no domain area imports `mcp`, `ops`, `server` or
 *   `cli` (`auth` handlers and `mcp` routes use the Hono context type of `http/app-env.ts`);
 * - `lab` and `cisco` never import each other, nor `http`;
 *   `cisco/x` never imports `cisco/y` (shared code goes to `cisco/` or `cisco/soap`);
 * - `mcp` never imports `ops` or `server`; `ops` never imports `server`, `http` or `mcp`;
 * - only `cli` and `main.ts` import `cli`; `http` never imports `server`.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve('src');

function files(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts') && !p.includes('/testdata/')) out.push(p);
  }
  return out;
}

const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]/gm;

interface Imports { runtime: string[]; all: string[] }

function importsOf(file: string): Imports {
  const text = readFileSync(file, 'utf8');
  const out: Imports = { runtime: [], all: [] };
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[3] ?? m[4];
    if (!spec) continue;
    const target = resolve(dirname(file), spec);
    out.all.push(target);
    if (!m[2]) out.runtime.push(target);
  }
  return out;
}

/** Areas (top-level folders of src/) that an area must never import, type-only imports included. */
const ABOVE_DOMAIN = ['mcp', 'ops', 'server', 'cli'];
const DOMAIN_AND_ABOVE = ['auth', 'rbac', 'license', 'cisco', 'lab', 'reports', 'health', 'http', ...ABOVE_DOMAIN];
const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  config: ['*'], log: ['*'],
  ...Object.fromEntries(['keys', 'audit', 'tls', 'credentials', 'metrics', 'ratelimit', 'state', 'changes'].map((a) => [a, DOMAIN_AND_ABOVE])),
  auth: ABOVE_DOMAIN,
  rbac: ['auth', 'http', ...ABOVE_DOMAIN],
  license: ['auth', 'http', ...ABOVE_DOMAIN],
  reports: ['http', ...ABOVE_DOMAIN],
  health: ['http', ...ABOVE_DOMAIN],
  cisco: ['lab', 'http', ...ABOVE_DOMAIN],
  lab: ['cisco', 'http', ...ABOVE_DOMAIN],
  mcp: ['ops', 'server', 'cli'],
  ops: ['server', 'http', 'mcp', 'cli'],
  http: ['server', 'cli'],
};
const BOTTOM = new Set(['lib', 'config', 'log']);

function layerProblem(top: string, dTop: string): string | undefined {
  if (top === dTop) return undefined;
  if (top === 'lib') return 'lib must not import other areas';
  const banned = FORBIDDEN[top];
  if (banned?.includes('*') && !BOTTOM.has(dTop)) return `${top} may import only lib, config and log`;
  if (banned?.includes(dTop)) return `${top} must not import ${dTop}`;
  if (dTop === 'cli' && top !== 'main.ts') return 'only cli and main.ts import cli';
  return undefined;
}

const area = (f: string): string[] => relative(SRC, f).split('/');
const problems: string[] = [];
const graph = new Map<string, string[]>();
for (const f of files(SRC)) {
  const deps = importsOf(f);
  graph.set(f, deps.runtime);
  const [top = '', sub] = area(f);
  for (const d of deps.all) {
    const [dTop = '', dSub] = area(d);
    const rel = `${relative(SRC, f)} → ${relative(SRC, d)}`;
    const layer = layerProblem(top, dTop);
    if (layer) problems.push(`${layer}: ${rel}`);
    if (top === 'cisco' && dTop === 'cisco' && sub && dSub && sub !== dSub && !sub.endsWith('.ts') && !dSub.endsWith('.ts') && dSub !== 'soap') {
      problems.push(`cisco/${sub} must not import cisco/${dSub} (shared code goes to cisco/ or cisco/soap): ${rel}`);
    }
  }
}

// Cycle detection (iterative DFS with colours).
const colour = new Map<string, 0 | 1 | 2>();
function visit(start: string): void {
  const stack: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
  const path: string[] = [start];
  colour.set(start, 1);
  while (stack.length) {
    const top = stack[stack.length - 1] as { node: string; i: number };
    const deps = graph.get(top.node) ?? [];
    if (top.i >= deps.length) { colour.set(top.node, 2); stack.pop(); path.pop(); continue; }
    const next = deps[top.i++] as string;
    if (!graph.has(next)) continue;
    const c = colour.get(next) ?? 0;
    if (c === 1) { problems.push(`import cycle: ${[...path.slice(path.indexOf(next)), next].map((p) => relative(SRC, p)).join(' → ')}`); continue; }
    if (c === 0) { colour.set(next, 1); stack.push({ node: next, i: 0 }); path.push(next); }
  }
}
for (const f of graph.keys()) if (!colour.get(f)) visit(f);

if (problems.length) {
  for (const p of problems) console.error(`check-imports: ${p}`);
  process.exit(1);
}
console.log(`check-imports: ${graph.size} source files, no cycles, layering rules hold`);
