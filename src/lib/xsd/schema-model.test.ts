import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAssetText, BUNDLED_AXL_VERSIONS } from '../assets.ts';
import { SchemaModel } from './schema-model.ts';
import { scanXmlTree } from './xml-scan.ts';

const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

test('SchemaModel: every top-level definition, parsed when first needed, equals the same element of the whole document parsed at once (issue 20)', () => {
  for (const v of [BUNDLED_AXL_VERSIONS[0]!, '14.0']) {
    const xsd = readAssetText(`axl/${v}/AXLSoap.xsd`);
    const model = new SchemaModel(xsd);
    const root = scanXmlTree(xsd);
    assert.equal(model.targetNamespace, root.attrs.targetNamespace);
    const last = new Map<string, (typeof root.children)[number]>();
    for (const c of root.children) if (c.ns === XSD_NS && c.attrs.name && ['element', 'complexType', 'simpleType'].includes(c.name)) last.set(`${c.name} ${c.attrs.name}`, c);
    assert.ok(last.size > 1000, `${v}: ${last.size} definitions`);
    for (const [key, want] of last) {
      const [kind, name] = key.split(' ') as ['element' | 'complexType' | 'simpleType', string];
      assert.deepEqual(model.definition(kind, name), want, `${v} ${key}`);
    }
    assert.equal(model.definition('complexType', 'NoSuchType'), undefined);
    assert.equal(model.hasElement('getPhone'), true);
    assert.equal(model.hasElement('getPhoneX'), false);
  }
});

test('SchemaModel: namespace declarations of the root apply to a definition parsed on its own; a malformed schema is still refused whole', () => {
  const xsd = '<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t"><!-- c --><xsd:complexType name="A"><xsd:sequence><xsd:element name="b" type="t:B" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>\n<xsd:simpleType name="B"><xsd:restriction base="xsd:string"><xsd:maxLength value="3"/></xsd:restriction></xsd:simpleType><xsd:element name="a" type="t:A"/></xsd:schema>';
  const m = new SchemaModel(xsd);
  const a = m.elementType('a');
  assert.equal(a?.kind, 'complex');
  const b = m.namedType('B');
  assert.deepEqual(b, { kind: 'simple', builtin: 'string', maxLength: 3 });
  assert.equal(m.definition('complexType', 'A')?.children[0]?.ns, XSD_NS);
  assert.throws(() => new SchemaModel(xsd.replace('</xsd:schema>', '')));
  assert.throws(() => new SchemaModel(xsd.replace('<!-- c -->', '<!DOCTYPE x>')));
});
