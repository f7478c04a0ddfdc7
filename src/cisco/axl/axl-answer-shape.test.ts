import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AxlSchemas } from './axl-schemas.ts';
import { parseSoapAnswer } from '../soap/soap-response.ts';
import { shapeAxlReturn } from './axl-answer-shape.ts';

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
