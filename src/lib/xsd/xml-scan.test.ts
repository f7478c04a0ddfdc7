import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanXml, scanXmlTree, XmlScanner, XmlScanError, XVALUE_BUILDER } from './xml-scan.ts';
import { parseXml } from './xml-tree.ts';
import { toXValue } from './xvalue.ts';
import { assertLinearGrowth } from '../testdata/complexity.ts';

const DOCS = [
  `<?xml version='1.0' encoding='utf-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:getPhoneResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0"><return><phone ctiid="7" uuid="{ABC}"><name>SEP1</name><description>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#65;&#x42;</description><callingSearchSpaceName/><lines><line><index>1</index></line><line><index>2</index></line></lines></phone></return></ns:getPhoneResponse></soapenv:Body></soapenv:Envelope>`,
  '<a xmlns="urn:x"><!-- c --><b x=\'1\' y="2 &gt; 1"><![CDATA[<not-a-tag> & ]]></b><c/>\n  text\n</a>',
  '<?xml version="1.0" encoding="iso-8859-1"?><DeviceInformation><MACAddress>0011</MACAddress><HostName>SEP0011</HostName></DeviceInformation>',
];

test('scanXml() gives the same value as toXValue(parseXml()) on Cisco-shaped documents', () => {
  for (const d of DOCS) { const root = parseXml(d); assert.deepEqual(scanXml(d), { name: root.name, value: toXValue(root) }); }
});

test('scanXml() refuses DTDs, unknown entities, bad nesting, duplicate attributes and prototype names (T-IN-05)', () => {
  for (const bad of [
    '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', '<r>&x;</r>', '<r>&#0;</r>', '<r>&#xD800;</r>', '<r>& </r>',
    '<a><b></a></b>', '<a>', '<a></a><b></b>', 'text<a/>', '<a x="1" x="2"/>', '<a x="1"y="2"/>', '<a x=1/>', '<a x="<"/>',
    '<__proto__/>', '<a __proto__="1"/>', '<p:a/>', `${'<a>'.repeat(101)}${'</a>'.repeat(101)}`, '<a><![CDATA[x</a>', '<a><!-- x</a>',
    `<a${Array.from({ length: 300 }, (_, i) => ` a${i}="v"`).join('')}/>`, '', '   ',
  ]) {
    assert.throws(() => scanXml(bad), XmlScanError, JSON.stringify(bad.slice(0, 60)));
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('scanXml() reads a large answer (20,000 rows) with entities decoded in every row, in linear time', () => {
  const doc = (n: number) => `<return>${Array.from({ length: n }, (_, i) => `<row><name>SEP${i}</name><d>x &amp; y</d></row>`).join('')}</return>`;
  const r = scanXml(doc(20_000)).value as { row: Array<{ d: string }> };
  assert.equal(r.row.length, 20_000);
  assert.equal(r.row[5]!.d, 'x & y');
  // A complexity check, not a time limit: 10× the rows may cost at most 40× the CPU time.
  assertLinearGrowth('scanXml rows', doc, scanXml, { n: 2_000 });
});

/** Feed `xml` cut at the given positions; the result, or the error message. */
function inPieces(xml: string, cuts: number[]): unknown {
  const s = new XmlScanner(XVALUE_BUILDER);
  try {
    let at = 0;
    for (const c of [...cuts, xml.length]) { s.write(xml.slice(at, c)); at = c; }
    return s.end();
  } catch (err) {
    assert.ok(err instanceof XmlScanError, String(err));
    return 'refused';
  }
}

function whole(xml: string): unknown {
  try { return scanXml(xml); } catch (err) { assert.ok(err instanceof XmlScanError); return 'refused'; }
}

test('XmlScanner: a document written in pieces gives what the whole gives, cut anywhere (issue 20: parse while receiving)', () => {
  const docs = [...DOCS, '<a><!----><![CDATA[]]><?pi x?><b/></a>', '<a>x &lt; y &#x41;&#65; z</a>  \n', '\ufeff<a/>'];
  for (const d of docs) {
    const want = scanXml(d);
    for (let c = 0; c <= d.length; c++) assert.deepEqual(inPieces(d, [c]), want, `cut at ${c} of ${JSON.stringify(d.slice(0, 40))}`);
    // Every character a piece of its own.
    assert.deepEqual(inPieces(d, Array.from({ length: d.length }, (_, i) => i)), want);
  }
});

test('XmlScanner: hostile documents are refused however they are cut (T-IN-05)', () => {
  const bad = ['<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>', '<r>&x;</r>', '<r>& </r>', '<a><b></a></b>', '<a>', '<a></a><b></b>', 'text<a/>',
    '<a x="1" x="2"/>', '<__proto__/>', '<p:a/>', `${'<a>'.repeat(101)}${'</a>'.repeat(101)}`, '<a><![CDATA[x</a>', '<a><!-- x</a>', '<a><?pi</a>', '<a></a>trailing', '<a>&lt</a>', '<a>&#xD800;</a>'];
  for (const d of bad) {
    assert.equal(whole(d), 'refused', d);
    for (let c = 0; c <= d.length; c++) assert.equal(inPieces(d, [c]), 'refused', `${d} cut at ${c}`);
  }
});

test('scanXmlTree() gives the same element tree as parseXml() (the AXL schema files are parsed with it)', () => {
  const xsd = '<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:axlapi="http://www.cisco.com/AXL/API/15.0" targetNamespace="http://www.cisco.com/AXL/API/15.0"><!-- c --><xsd:complexType name="XPhone"><xsd:sequence><xsd:element name="name" type="xsd:string" minOccurs="0"/><xsd:element name="lines" maxOccurs="unbounded"><xsd:annotation><xsd:documentation>a &lt; b</xsd:documentation></xsd:annotation></xsd:element></xsd:sequence></xsd:complexType></xsd:schema>';
  for (const d of [xsd, ...DOCS]) assert.deepEqual(scanXmlTree(d), parseXml(d));
});
