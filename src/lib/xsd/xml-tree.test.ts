import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml, XmlParseError } from './xml-tree.ts';
import { XmlWriter, escapeXmlText } from './xml-writer.ts';

test('parseXml() resolves namespaces, decodes predefined entities and CDATA', () => {
  const el = parseXml('<s:E xmlns:s="urn:s"><s:B a="1&amp;2"><d>a&lt;b&gt;&#65;&#x42;</d><e><![CDATA[x<y]]></e></s:B></s:E>');
  assert.equal(el.ns, 'urn:s');
  const b = el.children[0]!;
  assert.equal(b.attrs.a, '1&2');
  assert.equal(b.children[0]!.text, 'a<b>AB');
  assert.equal(b.children[1]!.text, 'x<y');
});

test('parseXml() refuses DOCTYPE, entity declarations and undeclared entities', () => {
  assert.throws(() => parseXml('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'), XmlParseError);
  assert.throws(() => parseXml('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><r>&lol2;</r>'), XmlParseError);
  assert.throws(() => parseXml('<r>&x;</r>'), /not declared/);
});

test('parseXml() rejects malformed documents and unbound prefixes', () => {
  assert.throws(() => parseXml('<a><b></a>'), XmlParseError);
  assert.throws(() => parseXml('<a></a><b/>'), XmlParseError);
  assert.throws(() => parseXml('<x:a/>'), /not bound/);
});

test('XmlWriter escapes values so they round-trip literally', () => {
  const value = `a<b>&c]]>"' </description><name>x</name>`;
  const xml = new XmlWriter().open('r', { q: `"'<` }).leaf('description', value).close().toString();
  assert.equal(parseXml(xml).children[0]!.text, value);
  assert.equal(parseXml(xml).attrs.q, `"'<`);
  assert.ok(!escapeXmlText('\u0001ok').includes('\u0001'));
});

test('XmlWriter refuses element names that would be markup', () => {
  assert.throws(() => new XmlWriter().leaf('a><evil/><b', 'v'), /Invalid XML name/);
});
