import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, symlinkSync, chmodSync, mkdirSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseFileError, MAX_LICENSE_BYTES, readLicenseFile } from './license-file.ts';
import { checkInstalledLicense, countClients } from './check-license.ts';
import { ensureInstallId, readInstallId } from './install-id.ts';
import { INSTALL_ID_RE } from './license-claims.ts';

const TOKEN = 'eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
const dir = (): string => mkdtempSync(join(tmpdir(), 'lic-'));

function refused(fn: () => unknown, kind: LicenseFileError['kind'], re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LicenseFileError, String(e));
    assert.equal(e.kind, kind);
    assert.match(e.message, re);
    assert.doesNotMatch(e.message, /\n/, 'one clear line');
    return true;
  });
}

test('trailing whitespace, CRLF, a BOM and line wrapping are accepted', () => {
  const d = dir();
  for (const text of [`${TOKEN}\n`, `${TOKEN}\r\n`, `  ${TOKEN} \t\r\n\r\n`, `\ufeff${TOKEN}\n`, `${TOKEN.slice(0, 20)}\r\n${TOKEN.slice(20)}\r\n`]) {
    writeFileSync(join(d, 'l.jwt'), text);
    assert.equal(readLicenseFile(join(d, 'l.jwt')).token, TOKEN, JSON.stringify(text));
  }
});

test('a missing, empty, truncated, binary or 10 MB file is refused with one line', () => {
  const d = dir();
  const f = join(d, 'l.jwt');
  refused(() => readLicenseFile(f, { name: 'secrets/license.jwt' }), 'missing', /^no licence: secrets\/license.jwt does not exist$/);
  writeFileSync(f, ' \r\n');
  refused(() => readLicenseFile(f), 'empty', /is empty/);
  writeFileSync(f, TOKEN.slice(0, 30));
  refused(() => readLicenseFile(f), 'malformed', /truncated: expected three base64url parts separated by dots, found 2 parts/);
  writeFileSync(f, `${TOKEN.split('.').slice(0, 2).join('.')}.`);
  refused(() => readLicenseFile(f), 'malformed', /found 3 parts with invalid characters/);
  writeFileSync(f, 'hello world');
  refused(() => readLicenseFile(f), 'malformed', /not a licence or is truncated/);
  writeFileSync(f, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x41, 0x42]));
  refused(() => readLicenseFile(f), 'binary', /binary data \(byte 0x1f at offset 0\)/);
  writeFileSync(f, `${TOKEN}\u00e9`);
  refused(() => readLicenseFile(f), 'binary', /binary data \(byte 0xc3/);
  writeFileSync(f, `${TOKEN.slice(0, 10)}\0${TOKEN.slice(10)}`);
  refused(() => readLicenseFile(f), 'binary', /byte 0x00 at offset 10/);
  writeFileSync(f, Buffer.alloc(10 * 1024 * 1024, 0x41));
  refused(() => readLicenseFile(f), 'too_large', /it is 10\.0 MiB, a licence is at most 16\.0 KiB/);
  writeFileSync(f, Buffer.alloc(MAX_LICENSE_BYTES + 1, 0x41));
  refused(() => readLicenseFile(f), 'too_large', /at most/);
  mkdirSync(join(d, 'adir'));
  refused(() => readLicenseFile(join(d, 'adir')), 'unreadable', /not a regular file/);
});

test('the installed licence may not be a symlink; a file given to install may', () => {
  const d = dir();
  writeFileSync(join(d, 'real.jwt'), TOKEN);
  symlinkSync(join(d, 'real.jwt'), join(d, 'link.jwt'));
  assert.equal(readLicenseFile(join(d, 'link.jwt')).token, TOKEN);
  refused(() => readLicenseFile(join(d, 'link.jwt'), { noFollow: true }), 'unreadable', /symbolic link/);
});

test('an installed licence wider than 600 gives a warning; no licence is INVALID', async () => {
  const d = dir();
  const { generateKeyPairSync } = await import('node:crypto');
  const { trustAnchorOf } = await import('./trust-anchor.ts');
  const anchor = trustAnchorOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'development');
  const inputs = { secretsDir: d, anchor, installId: ensureInstallId(d), clientCount: 1 };
  const none = await checkInstalledLicense(inputs, Date.now());
  assert.equal(none.status.state, 'INVALID');
  assert.match(none.status.reason, /^no licence: secrets\/license.jwt does not exist/);
  writeFileSync(join(d, 'license.jwt'), TOKEN, { mode: 0o644 });
  chmodSync(join(d, 'license.jwt'), 0o644);
  const wide = await checkInstalledLicense(inputs, Date.now());
  assert.equal(wide.status.state, 'INVALID');
  assert.match(wide.warnings[0] ?? '', /mode 644, wider than 600/);
  chmodSync(join(d, 'license.jwt'), 0o600);
  assert.deepEqual((await checkInstalledLicense(inputs, Date.now())).warnings, []);
});

test('the install id is created once (mode 600), kept, and a damaged one is an error, never replaced', () => {
  const d = join(dir(), 'secrets');
  assert.equal(readInstallId(d), undefined);
  const id = ensureInstallId(d);
  assert.match(id, INSTALL_ID_RE);
  assert.equal(ensureInstallId(d), id);
  assert.equal(readInstallId(d), id);
  assert.equal(statSync(join(d, 'install-id')).mode & 0o777, 0o600);
  assert.equal(statSync(d).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(d), ['install-id'], 'no temp file left');
  writeFileSync(join(d, 'install-id'), 'garbage\n');
  assert.throws(() => ensureInstallId(d), /does not hold an install id/);
  assert.equal(readFileSync(join(d, 'install-id'), 'utf8'), 'garbage\n');
});

test('countClients counts AUTH_CLIENTS entries', () => {
  assert.equal(countClients(''), 0);
  assert.equal(countClients('a:s:admin'), 1);
  assert.equal(countClients(' a:s:admin , b:t:auditor,, '), 2);
});
