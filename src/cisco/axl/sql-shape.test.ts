/** Issue #12 item 7 (T-IN-10, T-IN-12): every SQL-carrying AXL operation gets one statement-shape allowlist. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../lib/errors.ts';
import { checkSelect, checkSqlOperation, checkUpdate } from './sql-check.ts';

const refused = (e: unknown): boolean => e instanceof AppError && e.code === 'E_FORBIDDEN';

const HOSTILE_SELECTS = [
  "select sysadmin:task('create dbspace', 'x') from systables",
  "select sysadmin:admin('drop database', 'ccm') from systables",
  "select task('x') from systables", 'select sleep(100) from systables',
  "select dbinfo('dbhostname') from systables", 'select name from device union select name from enduser',
  'select name from device union all select password from credential', 'select name from device intersect select name from device',
  'select name from device for update', 'select name from ccm0300:device', "select name from device where name = x:y",
  "select name from device where pkid in (select sysadmin:task('x') from systables)",
  'select name from device into temp t with no log', 'select name from device where 1=1 group by name group by name',
  'select name where 1=1 from device', 'select name', 'select * from device order name',
  'select myproc(1) from device', 'select name from device; create table t (x int)',
];

test('#12.7 executeSQLQueryInactive through cucm_axl_request goes through the SQL parser (DDL, ;, comments refused)', () => {
  for (const sql of ['drop table device', 'select name from device; drop table device', 'select name from device -- x', 'select /* x */ name from device', ...HOSTILE_SELECTS]) {
    assert.throws(() => checkSqlOperation('executeSQLQueryInactive', { sql }), refused, `Inactive: ${sql}`);
    assert.throws(() => checkSqlOperation('executeSQLQuery', { sql }), refused, `Query: ${sql}`);
  }
  assert.equal(checkSqlOperation('executeSQLQueryInactive', { sql: 'select name from device' }), 'select');
  assert.throws(() => checkSqlOperation('executeSQLQueryInactive', {}), (e: unknown) => e instanceof AppError && e.code === 'E_INPUT_INVALID');
  assert.throws(() => checkSqlOperation('executeSQLFuture', { sql: 'select 1 from x' }), refused, 'an unknown SQL-carrying operation is refused');
  assert.equal(checkSqlOperation('getPhone', { name: 'SEP1' }), undefined);
});

test('#12.7 the SELECT shape allowlist keeps ordinary CUCM queries working', () => {
  for (const sql of [
    'select first 5 name from device', 'select count(*) from numplan;', "select name from device where name like 'SEP%' order by name",
    'select skip 10 first 5 name from device', 'select name from device where tkclass = 1 order by name skip 2 limit 2',
    "select d.name, n.dnorpattern, t.name as model from device d inner join devicenumplanmap m on m.fkdevice = d.pkid inner join numplan n on m.fknumplan = n.pkid, typemodel t where t.enum = d.tkmodel and n.dnorpattern = '1000'",
    "select name from device where fkdevicepool in (select pkid from devicepool where name = 'DP-HQ')",
    'select lower(name), nvl(description, \'\') from device where description is not null',
    'select tkmodel, count(*) from device group by tkmodel having count(*) > 1 order by 2 desc',
    "select name from device where name matches 'SEP*' and not exists (select 1 from devicenumplanmap m where m.fkdevice = device.pkid)",
  ]) assert.doesNotThrow(() => checkSelect(sql), sql);
  assert.throws(() => checkUpdate("update device set description = sysadmin:task('x') where name = 'a'"), refused);
});
