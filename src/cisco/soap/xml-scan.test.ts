import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanXml, XmlScanError } from './xml-scan.ts';
import { parseXml } from '../../lib/xsd/xml-tree.ts';
import { toXValue } from '../../lib/xsd/xvalue.ts';

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

test('scanXml() keeps billion-laugh text unexpanded by refusing the DTD, and stays linear on large input', () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => `<row><name>SEP${i}</name><d>x &amp; y</d></row>`).join('');
  const t0 = performance.now();
  const r = scanXml(`<return>${rows}</return>`).value as { row: Array<{ d: string }> };
  assert.equal(r.row.length, 20_000);
  assert.equal(r.row[5]!.d, 'x & y');
  assert.ok(performance.now() - t0 < 2000);
});
