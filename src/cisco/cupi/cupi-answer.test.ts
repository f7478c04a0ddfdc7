import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cupiErrorDetail, isCupiNotFound, normaliseCupiList, selectCupiFields } from './cupi-answer.ts';

test('CUPI lists in both JSON forms, with one item or many, come back as {"@total", <Item>: [...]}', () => {
  const one = { URI: '/vmrest/users/8321097e', ObjectId: '8321097e', Alias: 'John10000' };
  const two = [one, { ...one, ObjectId: 'x2', Alias: 'jdoe' }];
  const cases: Array<[unknown, number, number]> = [
    [{ '@total': '2', User: two }, 2, 2],
    [{ '@total': '1', User: one }, 1, 1],
    [{ Users: { '-total': '1', User: one } }, 1, 1],
    [{ Users: { '-total': '2', User: two } }, 2, 2],
    [{ Users: { '@total': '3', User: two } }, 3, 2],
    [{ '@total': '0' }, 0, 0],
    [{ Users: { '-total': '0' } }, 0, 0],
  ];
  for (const [body, total, items] of cases) {
    const r = normaliseCupiList(body);
    assert.ok(r, JSON.stringify(body));
    assert.equal(r.total, total);
    assert.equal(r.list['@total'], String(total));
    const arr = r.list.User ?? [];
    assert.ok(Array.isArray(arr));
    assert.equal((arr as unknown[]).length, items);
  }
  for (const notList of [one, 'text', null, [one], { User: one, Other: one }]) assert.equal(normaliseCupiList(notList), undefined);
});

test('CUPI error bodies are read from XML and JSON; DATA_EXCEPTION "not found" is a not-found', () => {
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ErrorDetails>\n  <errors>\n    <code>DATA_EXCEPTION</code>\n    <message>ScheduleSet not found </message>\n  </errors>\n</ErrorDetails>';
  const d = cupiErrorDetail(xml);
  assert.deepEqual(d, { code: 'DATA_EXCEPTION', message: 'ScheduleSet not found' });
  assert.ok(isCupiNotFound(400, d));
  assert.ok(isCupiNotFound(404, cupiErrorDetail('<ErrorDetails><errors><code>NOT_FOUND</code><message>scheduleset - ObjectId=30d9</message></errors></ErrorDetails>')));
  assert.ok(isCupiNotFound(400, cupiErrorDetail('{"errors":{"code":"DATA_EXCEPTION","message":"User not found"}}')));
  assert.ok(!isCupiNotFound(400, cupiErrorDetail('{"errors":{"code":"DATA_EXCEPTION","message":"DisplayName or Alias is required"}}')));
  assert.ok(!isCupiNotFound(400, cupiErrorDetail('<ErrorDetails><errors><code>INVALID_PARAMETER</code><message>not found</message></errors></ErrorDetails>')));
  assert.equal(cupiErrorDetail('<html>500</html>'), undefined);
  assert.equal(cupiErrorDetail('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ErrorDetails/>'), undefined);
});

test('selectCupiFields() keeps the named fields plus ObjectId and URI, for lists and single objects, and reports unknown names', () => {
  const list = { '@total': '2', User: [{ ObjectId: 'a', URI: '/u/a', Alias: 'jd', DisplayName: 'J D', Extra: 'x' }, { ObjectId: 'b', Alias: 'ks' }] };
  const l = selectCupiFields(list, ['Alias', 'Nope']);
  assert.deepEqual(l.body, { '@total': '2', User: [{ ObjectId: 'a', URI: '/u/a', Alias: 'jd' }, { ObjectId: 'b', Alias: 'ks' }] });
  assert.deepEqual(l.missing, ['Nope']);
  assert.ok(l.available.includes('DisplayName'));
  assert.deepEqual(selectCupiFields({ ObjectId: 'a', Alias: 'jd', Other: 1 }, ['alias']).body, { ObjectId: 'a' }, 'names are case-sensitive');
  assert.equal(selectCupiFields('text', ['Alias']).body, 'text');
});
