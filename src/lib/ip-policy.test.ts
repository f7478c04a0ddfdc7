/** Issue #12 item 9 (T-IN-30): the phone-address SSRF filter parses addresses instead of matching text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPhoneAddress } from '../cisco/phone/phone-client.ts';
import { embeddedIpv4, ipv6Bytes } from './ip-policy.ts';

test('#12.9 IPv4-mapped, NAT64, 6to4, compatible and long forms of blocked addresses are refused', () => {
  for (const ip of [
    '0:0:0:0:0:ffff:a9fe:a9fe', '::ffff:169.254.169.254', '::FFFF:A9FE:A9FE', '0000:0000:0000:0000:0000:ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe', '64:ff9b::169.254.169.254', '64:ff9b:0:0:0:0:a9fe:a9fe', '64:ff9b:1::5', '2002:a9fe:a9fe::1',
    '0:0:0:0:0:0:0:0', '::', '0::0', '::0.0.0.0', '::ffff:0.0.0.0', '::169.254.169.254', '::ffff:224.0.0.1', '::ffff:255.255.255.255',
    'FE80::1', 'fe80:0:0:0:0:0:0:1', 'febf::1', 'FF02::1', 'ff0e::1', '2001:0:4136:e378::1', '100::1', 'fe80::1%eth0',
    '169.254.169.254', '169.254.0.1', '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
    '2130706433', '0177.0.0.1', '0x7f000001', '127.1', 'localhost', '', ' 10.1.2.3', '10.1.2.3 ', '[::1]', '10.1.2',
  ]) assert.equal(isPhoneAddress(ip), false, ip);
});

test('#12.9 ordinary phone addresses stay allowed in every textual form', () => {
  for (const ip of ['10.1.2.3', '192.168.5.20', '127.100.1.1', '172.16.0.9', '2001:db8::5', '2001:DB8:0:0:0:0:0:5', '::1', '0:0:0:0:0:0:0:1',
    '::ffff:10.1.2.3', '0:0:0:0:0:ffff:0a01:0203', '64:ff9b::0a01:0203', 'fd00::10']) assert.equal(isPhoneAddress(ip), true, ip);
});

test('ipv6Bytes() and embeddedIpv4() agree with the textual forms', () => {
  assert.equal(embeddedIpv4(ipv6Bytes('0:0:0:0:0:ffff:a9fe:a9fe')), '169.254.169.254');
  assert.equal(embeddedIpv4(ipv6Bytes('::ffff:169.254.169.254')), '169.254.169.254');
  assert.equal(embeddedIpv4(ipv6Bytes('64:ff9b::a9fe:a9fe')), '169.254.169.254');
  assert.equal(embeddedIpv4(ipv6Bytes('2001:db8::1')), undefined);
  assert.equal(embeddedIpv4(ipv6Bytes('::1')), undefined);
});
