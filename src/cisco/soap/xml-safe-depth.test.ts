/** Issue #12 item 12 (T-RX-03): the XML safety check bounds depth first and never recurses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../lib/errors.ts';
import { assertXmlSafe, MAX_ARG_DEPTH } from './soap-envelope.ts';

function nested(depth: number, leaf: unknown, asArray = false): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

test('#12.12 deeply nested AXL arguments are refused with E_INPUT_INVALID, not a stack overflow', () => {
  for (const depth of [MAX_ARG_DEPTH + 1, 1000, 200_000]) {
    for (const asArray of [false, true]) {
      assert.throws(() => assertXmlSafe(nested(depth, 'x', asArray)), (e: unknown) => e instanceof AppError && e.code === 'E_INPUT_INVALID' && /nested more than/.test(e.message), `depth ${depth} array=${asArray}`);
    }
  }
  // Mixed arrays and objects, and a control character hidden below the limit, are still found.
  assert.throws(() => assertXmlSafe(nested(10, { k: ['ok', 'bad\u0001'] })), /XML 1.0 cannot carry/);
  assert.throws(() => assertXmlSafe(nested(5, { 'k\u0002': 'v' })), /XML 1.0 cannot carry/);
  assert.doesNotThrow(() => assertXmlSafe(nested(MAX_ARG_DEPTH - 1, 'fine')));
});
