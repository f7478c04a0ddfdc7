import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanXmlTree } from './xml-scan.ts';
import { parseXml } from './xml-tree.ts';
import { decodeXmlEntities } from './xml-entities.ts';

const fail = (e: string): Error => new Error(`bad ${e}`);

test('the one decoder: predefined entities and character references that are XML characters, nothing else', () => {
  assert.equal(decodeXmlEntities('a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#65;&#x42;&#x1F600;&#9;&#xA;', fail), 'a <b> & "c" \'d\' AB\u{1F600}\t\n');
  for (const bad of ['&#xD800;', '&#xDFFF;', '&#55296;', '&#0;', '&#x1;', '&#xFFFE;', '&#x110000;', '&#x1234567;', '&nbsp;', '&copy;', '& ', 'a&b', '&#;', '&#x;', '&#12a;']) {
    assert.throws(() => decodeXmlEntities(bad, fail), /^Error: bad /, bad);
  }
});

test('both XML parsers decode the same and refuse the same (they used to disagree on &#xD800;)', () => {
  const doc = (t: string): string => `<r a="${t}">${t}</r>`;
  for (const t of ['x &amp; y', '&#x41;&#66;', 'caf&#xE9;', '&#x1F600;']) {
    const scanned = scanXmlTree(doc(t));
    const parsed = parseXml(doc(t));
    assert.equal(scanned.text, parsed.text, t);
    assert.equal(scanned.attrs.a, parsed.attrs.a, t);
  }
  for (const t of ['&#xD800;', '&#0;', '&nbsp;', '&#x110000;']) {
    assert.throws(() => scanXmlTree(doc(t)), t);
    assert.throws(() => parseXml(doc(t)), t);
  }
});
