/**
 * ESLint parser for our TypeScript: node:module's stripTypeScriptTypes replaces every type
 * annotation with spaces (same offsets, same lines), then espree parses the JavaScript that is
 * left. So rule locations point at the real source. It works because the project allows only
 * erasable syntax (tsconfig erasableSyntaxOnly): an enum or a namespace is a parse error here too.
 * Why not typescript-eslint: its parser's peer range is typescript <6.1 and we build with TS 7;
 * type-aware checks are tsc's job (strict, run first in npm test).
 */
import { stripTypeScriptTypes } from 'node:module';
import * as espree from 'espree';

export const meta = { name: 'aibridge-erasable-ts', version: '1.0.0' };

export function parse(code: string, options: { filePath?: string } = {}): unknown {
  const js = options.filePath?.endsWith('.ts') ? stripTypeScriptTypes(code, { mode: 'strip' }) : code;
  return espree.parse(js, { ecmaVersion: 'latest', sourceType: 'module', range: true, loc: true, comment: true, tokens: true });
}
