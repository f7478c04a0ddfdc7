import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAssetText } from '../assets.ts';
import { SchemaModel } from './schema-model.ts';
import { validateElement } from './validate.ts';
import { parseXml } from './xml-tree.ts';
import { writeValue } from './serialize.ts';
import { XmlWriter } from './xml-writer.ts';

const model = new SchemaModel(readAssetText('axl/14.0/AXLSoap.xsd'));
const opts = { structureOnlyUnder: new Set(['returnedTags']) };
const check = (xml: string): string | undefined => { const el = parseXml(xml); return validateElement(model, el, el.name, opts); };

test('validateElement() accepts schema-valid AXL requests', () => {
  assert.equal(check('<getPhone><name>SEP001122334455</name></getPhone>'), undefined);
  assert.equal(check('<listPhone><searchCriteria><name>SEP%</name></searchCriteria><returnedTags><name/><model/></returnedTags><first>5</first></listPhone>'), undefined);
  assert.equal(check('<getLine><pattern>1000</pattern><routePartitionName>PT</routePartitionName></getLine>'), undefined);
  assert.equal(check('<executeSQLQuery><sql>select 1 from device</sql></executeSQLQuery>'), undefined);
});

test('validateElement() reports unknown, missing and misordered elements like Xerces', () => {
  assert.match(check('<getPhone><nonsense>1</nonsense></getPhone>')!, /cvc-complex-type\.2\.4\.a: Invalid content was found starting with element 'nonsense'/);
  assert.match(check('<getPhone/>')!, /cvc-complex-type\.2\.4\.b/);
  assert.match(check('<listPhone><returnedTags/><searchCriteria><name>x</name></searchCriteria></listPhone>')!, /cvc-complex-type\.2\.4\.a/);
});

test('validateElement() checks simple types outside returnedTags', () => {
  assert.match(check('<listPhone><searchCriteria><name>x</name></searchCriteria><returnedTags/><first>x</first></listPhone>')!, /unsignedLong/);
  assert.match(check('<getPhone><uuid>not-a-guid</uuid></getPhone>')!, /cvc-pattern-valid/);
  assert.match(check('<getPhone sequence="x"><name>a</name></getPhone>')!, /unsignedLong/);
  assert.match(check('<getPhone bogus="1"><name>a</name></getPhone>')!, /Attribute 'bogus' is not allowed/);
});

test('writeValue() emits children in schema order and drops undeclared ones', () => {
  const w = new XmlWriter();
  writeValue(model, w, { name: 'phone', type: model.namedType('RPhone')!, value: { '@uuid': '{11111111-2222-3333-4444-555555555555}', model: 'Cisco 8845', name: 'SEP1', notInSchema: 'x', devicePoolName: { '#text': 'DP', '@uuid': '{11111111-2222-3333-4444-555555555556}' } } });
  assert.equal(w.toString(), '<phone uuid="{11111111-2222-3333-4444-555555555555}"><name>SEP1</name><model>Cisco 8845</model><devicePoolName uuid="{11111111-2222-3333-4444-555555555556}">DP</devicePoolName></phone>');
});
