import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callRecords, cdrIp, fieldType, parseCdrFile, parseVqMetrics, splitCsvLine } from './cdr-parse.ts';
import { Q850, causeMeaning } from './q850.ts';
import { AppError } from '../../lib/errors.ts';

const CDR = [
  '"cdrRecordType","globalCallID_callManagerId","globalCallID_callId","origLegCallIdentifier","dateTimeOrigination","origIpAddr","callingPartyNumber","origCause_value","destIpAddr","originalCalledPartyNumber","finalCalledPartyNumber","destCause_value","dateTimeConnect","dateTimeDisconnect","pkid","origDeviceName","destDeviceName","duration","comment"',
  'INTEGER,INTEGER,INTEGER,INTEGER,INTEGER,INTEGER,VARCHAR(50),INTEGER,INTEGER,VARCHAR(50),VARCHAR(50),INTEGER,INTEGER,INTEGER,UNIQUEIDENTIFIER,VARCHAR(129),VARCHAR(129),INTEGER,VARCHAR(2048)',
  '1,1,1001,16777217,1764590400,-1139627840,"1000",0,16777343,"1001","1001",16,1764590402,1764590462,"6a1f8e0c-1b2c-4d5e-8f90-123456789abc","SEP001122334455","SEP00AABBCCDDEE",60,"said ""hi"", then left"',
  '1,1,1002,16777219,1764590500,-1139627840,"1000",17,0,"2000","2000",0,0,1764590505,"7b2f8e0c-1b2c-4d5e-8f90-123456789abc","SEP001122334455","",0,""',
  '0,1,0,0,1764590000,0,"",0,0,"","",0,0,0,"8c3f8e0c-1b2c-4d5e-8f90-123456789abc","","",0,"type 0 marker record"',
].join('\r\n');

const CMR = [
  '"cdrRecordType","globalCallID_callManagerId","globalCallID_callId","nodeId","directoryNum","callIdentifier","dateTimeStamp","numberPacketsSent","numberOctetsSent","numberPacketsReceived","numberOctetsReceived","numberPacketsLost","jitter","latency","pkid","directoryNumPartition","deviceName","varVQMetrics"',
  'INTEGER,INTEGER,INTEGER,INTEGER,VARCHAR(50),INTEGER,INTEGER,INTEGER,INTEGER,INTEGER,INTEGER,INTEGER,INTEGER,INTEGER,UNIQUEIDENTIFIER,VARCHAR(50),VARCHAR(129),VARCHAR(600)',
  '2,1,1001,1,"1000",16777217,1764590462,3000,480000,2990,478400,10,3,0,"9d4f8e0c-1b2c-4d5e-8f90-123456789abc","PT-Internal","SEP001122334455","MLQK=4.1000;MLQKav=4.0500;MLQKmn=3.9000;MLQKmx=4.3000;ICR=0.0000;CCR=0.0020;ICRmx=0.0000;CS=0;SCS=0;MLQKvr=0.95"',
].join('\r\n');

test('CDR parsing decodes every field type: INTEGER, VARCHAR, UNIQUEIDENTIFIER, epoch dates, IP addresses', () => {
  const f = parseCdrFile(CDR);
  assert.equal(f.kind, 'cdr');
  assert.equal(f.records.length, 3);
  const r = f.records[0]!;
  assert.equal(r.dateTimeOrigination, '2025-12-01T12:00:00.000Z');
  assert.equal(r.origIpAddr, '192.168.18.188');
  assert.equal(r.destIpAddr, '127.0.0.1');
  assert.equal(r.pkid, '6a1f8e0c-1b2c-4d5e-8f90-123456789abc');
  assert.equal(r.duration, 60);
  assert.equal(r.comment, 'said "hi", then left');
  assert.equal(f.records[1]!.dateTimeConnect, null, 'a zero date means "never" (the call was not answered)');
  assert.equal(f.records[1]!.destIpAddr, null);
  assert.deepEqual(f.types.slice(0, 1).concat(f.types.slice(6, 7), f.types.slice(14, 15)), ['integer', 'varchar', 'uniqueidentifier']);
});

test('callRecords() names the fields, gives cause meanings and joins MOS from the CMR', () => {
  const calls = callRecords(parseCdrFile(CDR), parseCdrFile(CMR));
  assert.equal(calls.length, 2, 'type-0 marker records are not calls');
  const [a, b] = calls;
  assert.equal(a!.callingPartyNumber, '1000');
  assert.equal(a!.originalCalledPartyNumber, '1001');
  assert.equal(a!.destCause_value, 16);
  assert.equal(a!.destCause_meaning, 'Normal call clearing');
  assert.equal(a!.mos?.[0]?.mos, 4.1);
  assert.equal(a!.mos?.[0]?.mos_min, 3.9);
  assert.equal(b!.origCause_meaning, 'User busy');
  assert.equal(b!.mos, undefined);
});

test('the Q.850 table covers the common causes and CUCM codes, and names unknown values', () => {
  for (const [code, text] of [[1, 'Unallocated (unassigned) number'], [16, 'Normal call clearing'], [17, 'User busy'], [19, 'No answer from user (user alerted)'], [21, 'Call rejected'], [27, 'Destination out of order'], [31, 'Normal, unspecified'], [34, 'No circuit/channel available'], [41, 'Temporary failure'], [47, 'Resource unavailable, unspecified'], [102, 'Call ended on recovery on timer expiry'], [127, 'Interworking, unspecified']] as const) {
    assert.equal(causeMeaning(code), text);
  }
  assert.match(causeMeaning(393216), /Call split/);
  assert.equal(causeMeaning(4242), 'Unknown cause code 4242');
  assert.ok(Object.keys(Q850).length > 60);
});

test('CDR parsing refuses what is not the flat-file format', () => {
  assert.throws(() => parseCdrFile('just one line'), AppError);
  assert.throws(() => parseCdrFile('"a","b"\nINTEGER'), /names 2 fields but types 1/);
  assert.throws(() => parseCdrFile('"a"\nBLOB\n1'), /unknown field type/);
  assert.throws(() => parseCdrFile('"a"\nINTEGER\n"x"'), /declared INTEGER/);
  assert.throws(() => parseCdrFile('"a","b"\nINTEGER,INTEGER\n1'), /1 values for 2 fields/);
  assert.throws(() => splitCsvLine('"open'), /unterminated/);
  assert.throws(() => splitCsvLine('"a"b'), /after a quoted field/);
  assert.equal(fieldType('varchar(129)'), 'varchar');
  assert.equal(cdrIp(0x0100007f), '127.0.0.1');
  assert.deepEqual(parseVqMetrics('MLQK=4.5;bad;X=;<script>=1'), { MLQK: 4.5 });
  assert.equal(parseCdrFile(`${CDR}\r\n${CDR.split('\r\n')[2]}`, 2).truncated, true);
});
