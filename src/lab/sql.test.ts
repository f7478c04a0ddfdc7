import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDataset } from './dataset.ts';
import { runQuery, runUpdate, runStatement } from './sql/sql-exec.ts';
import { SqlError } from './sql/sql-parse.ts';
import { xText } from '../lib/xsd/xvalue.ts';

const creds = { username: 'admin', password: 'pw', phoneUser: 'pu', phonePassword: 'pp' };
const data = buildDataset({ seed: 5, phones: 300, version: '14.0', cucmNodes: ['cucm-pub', 'cucm-sub1'], credentials: creds });

test('runQuery() honours SELECT FIRST n and SKIP n (Informix dialect)', () => {
  assert.equal(runQuery('select first 3 name from device', data).rows.length, 3);
  const all = runQuery("select name from device where tkclass = 1 order by name", data).rows.map((r) => r[0]);
  assert.equal(all.length, 300);
  assert.deepEqual(runQuery("select skip 10 first 5 name from device where tkclass = 1 order by name", data).rows.map((r) => r[0]), all.slice(10, 15));
  assert.deepEqual(runQuery("select name from device where tkclass = 1 order by name skip 2 limit 2", data).rows.map((r) => r[0]), all.slice(2, 4));
});

test('runQuery() joins device, devicenumplanmap, numplan and typemodel', () => {
  const r = runQuery("select d.name, n.dnorpattern, t.name as model from device d inner join devicenumplanmap m on m.fkdevice = d.pkid inner join numplan n on m.fknumplan = n.pkid, typemodel t where t.enum = d.tkmodel and n.dnorpattern = '1000'", data);
  assert.deepEqual(r.columns, ['name', 'dnorpattern', 'model']);
  assert.equal(r.rows.length, 1);
  assert.equal(r.rows[0]![1], '1000');
  assert.match(String(r.rows[0]![2]), /^Cisco /);
});

test('runQuery() supports like, in, is null, count(*) and lower-case pkids', () => {
  assert.equal(runQuery("select count(*) from device where name like 'SEP%'", data).rows[0]![0], '300');
  assert.equal(runQuery("select name from devicepool where name in ('DP-HQ', 'DP-NYC')", data).rows.length, 2);
  assert.match(String(runQuery('select first 1 pkid from enduser', data).rows[0]![0]), /^[0-9a-f-]{36}$/);
  assert.ok(runQuery('select name from device where fkenduser is null', data).rows.length > 0);
});

test('runQuery() fails with Informix error codes and texts', () => {
  const code = (sql: string): number => { try { runQuery(sql, data); return 0; } catch (e) { return (e as SqlError).code; } };
  assert.equal(code('selec name from device'), -201);
  assert.equal(code('select name from nosuchtable'), -206);
  assert.equal(code('select nosuchcol from device'), -217);
  assert.throws(() => runQuery('select x from nosuchtable', data), /The specified table \(nosuchtable\) is not in the database\./);
});

test('runUpdate() writes through to the AXL objects', () => {
  const before = data.axl.revision;
  const name = String(runQuery('select first 1 name from device where tkclass = 1', data).rows[0]![0]);
  assert.equal(runUpdate(`update device set description = 'it''s new' where name = '${name}'`, data), 1);
  assert.equal(xText(data.axl.byKey('Phone', [name])!.description), "it's new");
  assert.ok(data.axl.revision > before);
  assert.equal(runQuery(`select description from device where name = '${name}'`, data).rows[0]![0], "it's new");
  assert.throws(() => runUpdate('update typemodel set name = 1', data), SqlError);
  assert.equal(typeof runStatement('select first 1 name from device', data), 'object');
});

test('count(*) with GROUP BY, ORDER BY count and the columns of Cisco\'s documented queries (processnode.systemnode, linegroup)', () => {
  const data = buildDataset({ seed: 3, phones: 40, version: '14.0', cucmNodes: ['cucm-pub', 'cucm-sub1'], credentials: { username: 'a', password: 'b', phoneUser: 'c', phonePassword: 'd' } });
  const r = runQuery('select tm.name, count(*) from device d inner join typemodel tm on d.tkmodel = tm.enum where d.tkclass = 1 group by tm.name order by 2 desc', data);
  assert.deepEqual(r.columns, ['name', 'count']);
  const total = r.rows.reduce((n, row) => n + Number(row[1]), 0);
  assert.equal(total, 40);
  for (let i = 1; i < r.rows.length; i++) assert.ok(Number(r.rows[i - 1]![1]) >= Number(r.rows[i]![1]), 'ordered by count, descending');
  assert.equal(new Set(r.rows.map((row) => row[0])).size, r.rows.length, 'one row per model');
  const byClass = runQuery('select tkclass, count(*) as n from device group by tkclass', data);
  assert.ok(byClass.rows.some((row) => row[0] === '1' && Number(row[1]) === 40));
  assert.throws(() => runQuery('select name, count(*) from device group by tkclass', data), (e: unknown) => e instanceof SqlError && e.code === -294);
  assert.ok(runQuery("select name from processnode where systemnode = 'f'", data).rows.every((row) => row[0] !== 'EnterpriseWideData'));
  assert.equal(runQuery('select count(*) from linegroup', data).rows[0]![0], '3');
});
