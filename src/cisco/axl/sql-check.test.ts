import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSelect, checkUpdate, withRowWindow } from './sql-check.ts';
import { AppError } from '../../lib/errors.ts';

const refused = (e: unknown): boolean => e instanceof AppError && e.code === 'E_FORBIDDEN' && /^Refused SQL/.test(e.message);

test('checkSelect() accepts plain SELECTs, strings with quotes and keywords inside strings', () => {
  for (const sql of ['select first 5 name from device', "SELECT d.name FROM device d WHERE d.description = 'it''s; delete from device --'",
    'select count(*) from numplan;', "select name from device where name like 'SEP%' order by name", 'select skip 10 first 5 name from device']) {
    assert.doesNotThrow(() => checkSelect(sql), sql);
  }
  assert.equal(checkSelect('select first 5 name from device').hasRowLimit, true);
  assert.equal(checkSelect('select name from device;').sql, 'select name from device');
});

test('checkSelect() refuses second statements, comments, writes and tricks (T-IN-10, T-IN-12)', () => {
  for (const sql of [
    'select name from device; delete from device', "select name from device where name = '' OR 1=1 --'", "'; DELETE FROM device; --",
    "select name from device where name='x' union select * from device; drop table device", 'select {comment} name from device',
    'select /* */ name from device', 'select name from device -- hi', 'update device set description=\'x\'', 'delete from device',
    'select name into temp t from device', 'select name from device into external t', 'execute procedure dbreset()',
    'select lotofile(x, \'/tmp/a\', \'server\') from device', 'select * from device where 1=1 ; ;', '', '   ',
    'with x as (select 1) select * from x', 'insert into device values (1)', 'select name from device where name = "unterminated',
    'select name from device /* unterminated', 'SET EXPLAIN ON', 'call x()', 'select name from device\\',
  ]) {
    assert.throws(() => checkSelect(sql), refused, JSON.stringify(sql));
  }
});

test('checkSelect() refuses quote look-alikes and NUL outside strings (T-IN-11)', () => {
  for (const sql of ['select name from device where name = \u2019x\u2019', 'select name from device where name = \uff07x\uff07',
    'select name from device where name = \u02bcx\u02bc', 'select name from device\u0000; delete from device', "select name from device where name = 'a\u0000b'"]) {
    assert.throws(() => checkSelect(sql), refused, JSON.stringify(sql));
  }
});

test('withRowWindow() adds SKIP/FIRST only when the query has no row limit', () => {
  assert.equal(withRowWindow(checkSelect('select name from device'), 0, 101), 'select FIRST 101 name from device');
  assert.equal(withRowWindow(checkSelect('SELECT name FROM device'), 200, 101), 'SELECT SKIP 200 FIRST 101 name FROM device');
  assert.equal(withRowWindow(checkSelect('select first 3 name from device'), 0, 101), 'select first 3 name from device');
});

test('checkUpdate() takes one INSERT, UPDATE or DELETE and nothing else', () => {
  assert.equal(checkUpdate("update device set description='x' where name='SEP1';"), "update device set description='x' where name='SEP1'");
  for (const sql of ['select name from device', "update device set description='x'; drop table device", 'drop table device',
    "update device set description='x' -- c", 'grant dba to public', "delete from device where name in (select name from device) ; select 1"]) {
    assert.throws(() => checkUpdate(sql), refused, sql);
  }
});
