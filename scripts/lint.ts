/**
 * `npm run lint` (part of npm test): eslint with eslint-plugin-security over every .ts/.js file
 * (eslint.config.js), secretlint over the tree (.secretlintrc.json, recommended preset) and
 * lockfile-lint on package-lock.json (HTTPS, npm registry only, SHA-512 integrity, names match).
 * Each tool runs on the pinned Node 26; the first failure fails the run.
 */
import { spawnSync } from 'node:child_process';

const NODE = process.execPath;
const STEPS: Array<[string, string[]]> = [
  ['eslint', ['--disable-warning=ExperimentalWarning', 'node_modules/eslint/bin/eslint.js', '--max-warnings', '0', '--cache', '--cache-location', 'node_modules/.cache/eslint/', '.']],
  ['secretlint', ['node_modules/secretlint/bin/secretlint.js', '**/*', '--secretlintignore', '.secretlintignore']],
  ['lockfile-lint', ['node_modules/lockfile-lint/bin/lockfile-lint.js', '--path', 'package-lock.json', '--type', 'npm',
    '--validate-https', '--allowed-hosts', 'npm', '--validate-integrity', '--validate-package-names']],
];

for (const [name, args] of STEPS) {
  const started = Date.now();
  const r = spawnSync(NODE, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`lint: ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.log(`lint: ${name} clean (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
