// Security lint (npm run lint, part of npm test): eslint-plugin-security's recommended rules plus
// core rules that catch dangerous or dead code, on every .ts file. The parser strips the erasable
// type syntax first (scripts/lint/erasable-ts-parser.ts says why typescript-eslint is not used).
// A finding that is a false positive is silenced on its line with the reason, never globally.
import pluginSecurity from 'eslint-plugin-security';
import * as erasableTs from './scripts/lint/erasable-ts-parser.ts';

export default [
  { ignores: ['node_modules/**', 'dist/**', 'build/**', 'coverage/**'] },
  {
    files: ['**/*.ts', '**/*.js'],
    languageOptions: { parser: erasableTs, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { security: pluginSecurity },
    rules: {
      ...pluginSecurity.configs.recommended.rules,
      // Justified here, once, instead of on ~750 and ~150 lines: every fs call of a file-based
      // appliance takes a computed path, and every lookup table is indexed by a variable. The
      // classes behind them are handled by construction: agents never name a file (paths come from
      // .env and fixed names; restore entries go through restore/entry-name.ts and safe-extract.ts),
      // and untrusted JSON is parsed by zod .strict() schemas before any lookup (no-proto below).
      'security/detect-non-literal-fs-filename': 'off',
      'security/detect-object-injection': 'off',
      'no-control-regex': 'error',
      'no-eval': 'error', 'no-implied-eval': 'error', 'no-new-func': 'error', 'no-script-url': 'error',
      'no-proto': 'error', 'no-caller': 'error', 'no-with': 'error', 'no-debugger': 'error',
      'no-dupe-keys': 'error', 'no-duplicate-case': 'error', 'no-unreachable': 'error', 'no-unsafe-finally': 'error',
      'no-unsafe-negation': 'error', 'no-self-assign': 'error', 'no-self-compare': 'error', 'no-sparse-arrays': 'error',
      'no-template-curly-in-string': 'error', 'no-unused-private-class-members': 'error', 'no-dupe-class-members': 'error',
      'no-empty-character-class': 'error', 'no-invalid-regexp': 'error', 'no-misleading-character-class': 'error',
      'no-regex-spaces': 'error', 'no-async-promise-executor': 'error', 'no-promise-executor-return': 'off',
      'no-constant-binary-expression': 'error', 'no-loss-of-precision': 'error', 'use-isnan': 'error', 'valid-typeof': 'error',
      'no-throw-literal': 'error', 'no-new-wrappers': 'error',
    },
  },
  {
    // Not shipped (tests, benchmarks, build scripts): fixtures build regexps from known values.
    files: ['**/*.test.ts', 'tests/**', 'bench/**', 'scripts/**', '**/testdata/**', '**/testing/**'],
    rules: { 'no-control-regex': 'off', 'security/detect-non-literal-regexp': 'off', 'security/detect-unsafe-regex': 'off', 'security/detect-possible-timing-attacks': 'off', 'no-template-curly-in-string': 'off', 'no-script-url': 'off' },
  },
];
