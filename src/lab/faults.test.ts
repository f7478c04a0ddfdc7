import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultDice, parseFaults } from './faults.ts';
import { AppError } from '../lib/errors.ts';

test('parseFaults() reads every documented item', () => {
  const p = parseFaults('latency:200,axl:503:0.5,all:500:0.1,axl:throttle,axl:concurrency:3,axl:maxbytes:1000,ris:rate:5,auth:expired,ssh:drop:0.2,ssh:hostkey,tls:untrusted', 50);
  assert.equal(p.latencyMs, 250);
  assert.deepEqual(p.httpErrors, [{ service: 'axl', status: 503, rate: 0.5 }, { service: 'all', status: 500, rate: 0.1 }]);
  assert.equal(p.axlThrottleRate, 1);
  assert.equal(p.axlConcurrency, 3);
  assert.equal(p.axlMaxBytes, 1000);
  assert.equal(p.risPerMinute, 5);
  assert.ok(p.credentialsExpired && p.sshHostKeyChanged && p.tlsUntrusted);
  assert.equal(p.sshDropRate, 0.2);
  const svc = parseFaults('service:stopped:Cisco Tftp,service:nostart:Cisco Extended Functions');
  assert.deepEqual([svc.stoppedServices, svc.noStartServices], [['Cisco Tftp'], ['Cisco Extended Functions']]);
});

test('parseFaults() defaults follow CUCM (8 MB answers, 15 RIS requests a minute)', () => {
  const p = parseFaults(undefined);
  assert.equal(p.axlMaxBytes, 8 * 1024 * 1024);
  assert.equal(p.risPerMinute, 15);
  assert.equal(p.httpErrors.length, 0);
});

test('parseFaults() rejects unknown items and out-of-range numbers with E_USAGE', () => {
  for (const bad of ['nope', 'axl:500:2', 'axl:500', 'latency:-1', 'ssh:hostkey:1', 'axl:404:0.1', 'service:nostart', 'service:nostart:<x>']) {
    assert.throws(() => parseFaults(bad), (e: unknown) => e instanceof AppError && e.code === 'E_USAGE');
  }
});

test('FaultDice fires rate 1 always and rate 0 never', () => {
  const dice = new FaultDice(parseFaults('axl:503:1,cupi:500:0'), 1);
  assert.equal(dice.httpError('axl'), 503);
  assert.equal(dice.httpError('cupi'), undefined);
  assert.equal(dice.roll(0), false);
});
