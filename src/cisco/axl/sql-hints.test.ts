import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSelect } from './sql-check.ts';
import { catalogQuery, dialectMistake, isSqlFault, sqlErrorHint, tablesOf } from './sql-hints.ts';
import { upstreamError } from '../upstream-error.ts';

test('a syntax error names the other dialect\'s construct first; Informix forms are not flagged', () => {
  for (const [sql, re] of [['select name from device offset 5', /OFFSET is not Informix/], ['select top 5 name from device', /SELECT TOP n is SQL Server/],
    ['select name from device fetch first 5 rows only', /FETCH FIRST/], ['select name from device fetch next 5 rows only', /FETCH FIRST/],
    ["select name from device where name ilike 'sep%'", /no ILIKE.*lower\(name\)/], ['select name from device where datetime < now()', /NOW\(\) is not Informix.*CURRENT/],
    ['select getdate() from device', /GETDATE\(\) is not Informix/], ['select table_name from information_schema.tables', /systables/]] as const) {
    assert.match(dialectMistake(sql) ?? 'none', re, sql);
    assert.match(sqlErrorHint('-201', 'A syntax error has occurred.', undefined, sql), new RegExp(`${re.source}.*Informix syntax error`), sql);
  }
  for (const sql of ['select first 5 name from device', 'select limit 5 name from device', 'select skip 5 first 5 name from device', 'select name from device order by name limit 10',
    "select name from device where name like 'SEP%'", "select name from device where description = 'offset top ilike'", 'select name as top from device']) {
    assert.equal(dialectMistake(sql), undefined, sql);
  }
});

test('a LIMIT at the end is Informix row limiting: the tool adds no FIRST of its own', () => {
  assert.equal(checkSelect('select name from device order by name limit 10').hasRowLimit, true);
  assert.equal(checkSelect('select name from device where tkclass = 1 order by name skip 2 limit 2').hasRowLimit, true);
  assert.equal(checkSelect("select name from device where name = 'limit'").hasRowLimit, false);
  assert.equal(checkSelect('select name from device').hasRowLimit, false);
});

test('tablesOf() reads FROM and JOIN lists with aliases', () => {
  assert.deepEqual(tablesOf('select d.name, n.dnorpattern from device d, devicenumplanmap m, numplan n where d.pkid = m.fkdevice'), ['device', 'devicenumplanmap', 'numplan']);
  assert.deepEqual(tablesOf('select * from device d inner join typemodel t on d.tkmodel = t.enum where t.name like \'%\''), ['device', 'typemodel']);
  assert.deepEqual(tablesOf('select count(*) from (select name from enduser)'), ['enduser']);
});

test('catalog queries are built only from plain identifiers', () => {
  assert.match(catalogQuery('-206', 'The specified table (devices) is not in the database.', '') ?? '', /tabname like 'devi%' or tabname like '%ices%'/);
  assert.equal(catalogQuery('-206', "The specified table (x'; drop) is not in the database.", ''), undefined);
  assert.match(catalogQuery('-217', 'Column (nme) not found in any table in the query (or SLV is undefined).', 'select nme from device') ?? '', /t\.tabname in \('device'\)/);
  assert.equal(catalogQuery('-217', 'Column (nme) not found', "select nme from \"dev'ice\""), undefined, 'a quoted name is no identifier');
  assert.equal(catalogQuery('-201', 'A syntax error has occurred.', 'select'), undefined);
  for (const q of [catalogQuery('-206', 'The specified table (devices) is not in the database.', ''), catalogQuery('-217', 'Column (d.nme) not found', 'select d.nme from device d, numplan n')]) {
    assert.doesNotThrow(() => checkSelect(q!), 'a catalog query passes the same SQL gate');
  }
});

test('sqlErrorHint() names similar tables and the columns of the query\'s tables', () => {
  assert.match(sqlErrorHint('-206', 'The specified table (devices) is not in the database.', [{ tabname: 'device' }, { tabname: 'devicepool' }, { tabname: 'numplan' }]), /similar names: device, devicepool/);
  const cols = [{ tabname: 'device', colname: 'pkid' }, { tabname: 'device', colname: 'name' }, { tabname: 'device', colname: 'description' }];
  assert.match(sqlErrorHint('-217', 'Column (d.nme) not found', cols), /no column "nme" in device; did you mean name.*device: pkid, name, description/);
  assert.match(sqlErrorHint('-217', 'Column (nme) not found', undefined), /syscolumns/);
  assert.match(sqlErrorHint('-201', 'A syntax error has occurred.', undefined), /^Informix syntax error.*select first 10/);
  assert.match(sqlErrorHint('-999', 'x', undefined), /Informix error -999/);
});

test('isSqlFault(): a SOAP fault carrying an Informix error number', () => {
  assert.equal(isSqlFault(upstreamError('soap_fault', 'x', { ciscoCode: '-206' })), true);
  assert.equal(isSqlFault(upstreamError('soap_fault', 'x', { ciscoCode: '5007' })), false);
  assert.equal(isSqlFault(upstreamError('throttled', 'x', { ciscoCode: '-1' })), false);
  assert.equal(isSqlFault(new Error('x')), false);
});
