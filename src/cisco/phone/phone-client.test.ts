import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPhoneAddress, PhoneClient } from './phone-client.ts';
import { AppError } from '../../lib/errors.ts';

test('isPhoneAddress() accepts unicast phone addresses and refuses metadata, link-local, multicast and junk', () => {
  for (const ip of ['10.1.2.3', '192.168.5.20', '127.100.1.1', '2001:db8::5', '::1']) assert.equal(isPhoneAddress(ip), true, ip);
  for (const ip of ['169.254.169.254', '0.0.0.0', '224.0.0.1', '255.255.255.255', 'fe80::1', 'ff02::1', '::', 'localhost', 'phone.example.com', '', '10.1.2']) assert.equal(isPhoneAddress(ip), false, ip);
});

test('PhoneClient refuses a RIS address it must not contact, before connecting', async () => {
  const c = new PhoneClient({ timeoutMs: 1000, maxBytes: 1000 });
  await assert.rejects(c.screenshot({ device: 'SEP1', ip: '169.254.169.254', port: 80 }, { user: 'u', password: 'p' }), (e: unknown) => e instanceof AppError && /no usable IP address/.test(e.message));
});
