import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AxlSchemas } from './axl-schemas.ts';
import { parseSoapAnswer, SoapAnswerReader } from '../soap/soap-response.ts';
import { axlAnswerBuilder, listReturn, shapeAxlReturn } from './axl-answer-shape.ts';
import { buildDataset } from '../../lab/dataset.ts';
import { runCrud } from '../../lab/axl/axl-crud.ts';
import { axlSchema } from '../../lab/axl/axl-schemas.ts';
import { beginEnvelope, endEnvelope } from '../../lab/axl/soap.ts';
import { writeValue } from '../../lib/xsd/serialize.ts';
import { XmlWriter } from '../../lib/xsd/xml-writer.ts';
import { scanXmlTree } from '../../lib/xsd/xml-scan.ts';

const schemas = new AxlSchemas();
const env = (ver: string, op: string, inner: string): string => `<?xml version='1.0' encoding='utf-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:${op}Response xmlns:ns="http://www.cisco.com/AXL/API/${ver}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><return>${inner}</return></ns:${op}Response></soapenv:Body></soapenv:Envelope>`;
const shaped = (ver: string, op: string, inner: string): any => {
  const a = parseSoapAnswer(env(ver, op, inner), 'cm');
  assert.ok(a.ok);
  return shapeAxlReturn(schemas.get(ver).model, op, a.value.return!);
};

for (const ver of ['11.5', '14.0']) {
  test(`AXL ${ver}: repeatable elements are arrays with one item too; uuid references, empty and nil elements as real nodes send them`, () => {
    const phone = `<phone ctiid="94" uuid="{3E3B2B54-7A31-4D6B-9A57-1B9F8B0A2C11}"><name>SEP001122334455</name><description>José Müller</description>
      <callingSearchSpaceName/><devicePoolName uuid="{1B1B1B1B-2C2C-3D3D-4E4E-5F5F5F5F5F5F}">DP-HQ</devicePoolName>
      <mediaResourceListName xsi:nil="true"/><lines><line uuid="{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}"><index>1</index><dirn uuid="{11111111-2222-3333-4444-555555555555}"><pattern>1000</pattern><routePartitionName uuid="{66666666-7777-8888-9999-000000000000}">PT-Internal</routePartitionName></dirn>
      <associatedEndusers><enduser><userId>jmuller</userId></enduser></associatedEndusers></line></lines><speeddials/><busyLampFields/></phone>`;
    const g = shaped(ver, 'getPhone', phone);
    assert.equal(g.phone['@uuid'], '{3E3B2B54-7A31-4D6B-9A57-1B9F8B0A2C11}');
    assert.deepEqual(g.phone.devicePoolName, { '@uuid': '{1B1B1B1B-2C2C-3D3D-4E4E-5F5F5F5F5F5F}', '#text': 'DP-HQ' });
    assert.equal(g.phone.callingSearchSpaceName, '');
    assert.equal(g.phone.mediaResourceListName, '');
    assert.ok(Array.isArray(g.phone.lines.line), 'one line is still a list of lines');
    assert.equal(g.phone.lines.line.length, 1);
    assert.equal(g.phone.lines.line[0].dirn.routePartitionName['#text'], 'PT-Internal');
    assert.ok(Array.isArray(g.phone.lines.line[0].associatedEndusers.enduser));
    assert.ok(!Array.isArray(g.phone.name) && !Array.isArray(g.phone.devicePoolName), 'single-valued elements stay single');
    for (const n of [1, 2, 3]) {
      const l = shaped(ver, 'listPhone', Array.from({ length: n }, (_, i) => `<phone uuid="{00000000-0000-0000-0000-00000000000${i}}"><name>SEP00000000000${i}</name></phone>`).join(''));
      assert.ok(Array.isArray(l.phone));
      assert.equal(l.phone.length, n);
    }
    assert.deepEqual(shaped(ver, 'listPhone', ''), {}, 'no match: an empty return');
    const q = shaped(ver, 'executeSQLQuery', '<row><name>SEP1</name></row>');
    assert.ok(Array.isArray(q.row));
    const u = shaped(ver, 'getUser', '<user uuid="{00000000-0000-0000-0000-000000000001}"><userid>a</userid><associatedDevices><device>SEP1</device></associatedDevices></user>');
    assert.deepEqual(u.user.associatedDevices.device, ['SEP1']);
  });
}

test('an element the schema does not declare is kept as it came (lenient reading)', () => {
  const g = shaped('14.0', 'getPhone', '<phone><name>SEP1</name><futureField>x</futureField><emccCallingSearchSpaceName xsi:nil="true"/></phone>');
  assert.equal(g.phone.futureField, 'x');
  assert.equal(g.phone.emccCallingSearchSpaceName, '');
});

/**
 * Issue 20: answers are shaped while they are read (axlAnswerBuilder) instead of parsed, then
 * copied by shapeAxlReturn. The two must give the same JSON, key order included, whatever the
 * answer and however it is cut into pieces.
 */
function readShaped(ver: string, op: string, doc: string, cuts: number[]): unknown {
  const r = new SoapAnswerReader('cm', axlAnswerBuilder(schemas.get(ver).model, op));
  let at = 0;
  for (const c of [...cuts, doc.length]) { r.write(Buffer.from(doc.slice(at, c))); at = c; }
  const a = r.end();
  if (!a.ok) return { fault: a.fault };
  return a.value.return !== undefined ? listReturn(op, a.value.return) : a.value;
}
function readThenShaped(ver: string, op: string, doc: string): unknown {
  const a = parseSoapAnswer(doc, 'cm');
  if (!a.ok) return { fault: a.fault };
  return a.value.return !== undefined ? shapeAxlReturn(schemas.get(ver).model, op, a.value.return) : a.value;
}
function assertSameShape(ver: string, op: string, doc: string): void {
  const want = JSON.stringify(readThenShaped(ver, op, doc));
  for (const cuts of [[], [Math.floor(doc.length / 3), Math.floor((2 * doc.length) / 3)], Array.from({ length: 40 }, (_, i) => Math.floor((doc.length * (i + 1)) / 41))]) {
    assert.equal(JSON.stringify(readShaped(ver, op, doc, cuts)), want, `${op} cut at ${cuts.length} places`);
  }
}

/** An answer as the lab writes it (the same code path as `aibridge lab`). */
function labAnswer(ver: '11.5' | '14.0', data: ReturnType<typeof buildDataset>, op: string, request: string): string {
  const schema = axlSchema(ver);
  const v = runCrud(schema, data, op, scanXmlTree(request))!.value;
  const w = beginEnvelope(new XmlWriter());
  writeValue(schema.model, w, { name: `ns:${op}Response`, value: { return: v }, type: schema.model.elementType(`${op}Response`)!, extraAttrs: { 'xmlns:ns': schema.namespace } });
  return endEnvelope(w);
}

for (const ver of ['11.5', '14.0'] as const) {
  test(`AXL ${ver}: an answer shaped while read equals the answer read, then shaped (every field of getPhone, lists, SQL, faults, unknown elements)`, () => {
    const data = buildDataset({ seed: 3, phones: 40, version: ver, cucmNodes: ['cm'], credentials: { username: 'admin', password: 'x', phoneUser: 'p', phonePassword: 'x' } });
    const phones = (runCrud(axlSchema(ver), data, 'listPhone', scanXmlTree('<listPhone><searchCriteria><name>%</name></searchCriteria><returnedTags><name/></returnedTags></listPhone>'))!.value as { phone: Array<{ name: string }> }).phone;
    assert.ok(phones.length >= 10);
    for (const p of phones.slice(0, 5)) assertSameShape(ver, 'getPhone', labAnswer(ver, data, 'getPhone', `<getPhone><name>${p.name}</name></getPhone>`));
    assertSameShape(ver, 'listPhone', labAnswer(ver, data, 'listPhone', '<listPhone><searchCriteria><name>%</name></searchCriteria><returnedTags><name/><description/><model/><lines><line><index/><dirn><pattern/></dirn></line></lines></returnedTags></listPhone>'));
    assertSameShape(ver, 'listPhone', labAnswer(ver, data, 'listPhone', '<listPhone><searchCriteria><name>NOMATCH%</name></searchCriteria><returnedTags><name/></returnedTags></listPhone>'));
    const inner = [
      '<row><name>SEP1</name><description>a &amp; b</description></row>', '<row><name>SEP1</name></row><row><name>SEP2</name><x/></row>', '',
      '<phone uuid="{1}"><name>SEP1</name><name>again</name><futureField><a>1</a><a>2</a></futureField><lines><line><index>1</index></line></lines></phone>',
      '<user uuid="{00000000-0000-0000-0000-000000000001}"><userid>a</userid><associatedDevices><device>SEP1</device></associatedDevices></user>',
      '<phone><mediaResourceListName xsi:nil="true"/><devicePoolName uuid="{2}" xsi:type="x">DP</devicePoolName></phone>',
    ];
    for (const op of ['executeSQLQuery', 'listPhone', 'getPhone', 'getUser']) for (const i of inner) assertSameShape(ver, op, env(ver, op, i));
    assertSameShape(ver, 'getPhone', `<?xml version='1.0' encoding='utf-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>Item not valid</faultstring><detail><axlError><axlcode>5007</axlcode><axlmessage>Item not valid</axlmessage><request>getPhone</request></axlError></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`);
  });
}
