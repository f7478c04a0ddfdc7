/**
 * Issue #12 item 5 (T-AU-06): one redaction list of secret field names, as substrings in any case.
 * Every AXL schema field whose name matches (read from ../shared/cisco, never copied) and the CUPI
 * credential fields are fed into an audited call's arguments, the app log and an echoed error;
 * no value may reach audit.log or app.log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import { createLogger } from '../log/logger.ts';
import { auditArgs } from '../mcp/action-fields.ts';
import { isSecretKey, redactText } from './redact.ts';
import { sharedPath } from './testdata/shared-dir.ts';

const AXL_DIR = sharedPath('cisco', 'axl');
/** The list, as the test's own matcher (independent of the implementation). */
const SECRET_NAME = /(pin(?!g)|password|passwd|passphrase|secret|token|credential|community|pwd)/i;
const CUPI_FIELDS = ['Pin', 'PIN', 'Password', 'Credentials', 'CredentialType', 'pin', 'newPin', 'VoicePin', 'WebPassword', 'HashedPin'];

function axlSecretNames(): string[] {
  const names = new Set<string>();
  for (const v of readdirSync(AXL_DIR)) {
    const xsd = readFileSync(join(AXL_DIR, v, 'AXLSoap.xsd'), 'utf8');
    for (const m of xsd.matchAll(/<xsd:element name="([A-Za-z0-9_]+)"/g)) if (SECRET_NAME.test(m[1] as string)) names.add(m[1] as string);
  }
  return [...names].sort();
}

test('#12.5 every AXL and CUPI field named like a PIN, password, secret or community never reaches a log', () => {
  const axl = axlSecretNames();
  assert.ok(axl.length > 30 && axl.includes('pin') && axl.some((n) => /community/i.test(n)), `AXL names found: ${axl.length}`);
  const fields = [...axl, ...CUPI_FIELDS];
  const canary = (i: number): string => `CANARY${i}x9q`;
  for (const [i, f] of fields.entries()) assert.ok(isSecretKey(f), `${f} must be a secret field (${canary(i)})`);

  const dir = mkdtempSync(join(tmpdir(), 'redact-fields-'));
  const audit = AuditLog.open({ dir, rotateSize: 1e9, rotateFiles: 3, checkpointPath: join(dir, 'cp') });
  const logger = createLogger({ dir, level: 'debug', rotateSize: 1e9, rotateFiles: 3, console: false });
  // In small groups so the 4 KB cap on audited arguments never hides a leak by truncating it.
  for (let start = 0; start < fields.length; start += 8) {
    const args: Record<string, unknown> = {};
    fields.slice(start, start + 8).forEach((f, j) => { args[f] = canary(start + j); });
    const nested = { node: 'cluster1', operation: 'updateUser', args: { user: { userid: 'alice', ...args }, list: [args] } };
    audit.append('ACTIONS', 'tool_call', { tool: 'cucm_axl_request', arguments: auditArgs(nested) });
    logger.info('tool_call', { arguments: nested });
    logger.error('cisco_error', { message: redactText(`CUPI said: ${JSON.stringify(args)} and AXL echoed <pin>${canary(start)}</pin> pin=${canary(start)}`) });
  }
  audit.close();
  const text = readFileSync(join(dir, 'audit.log'), 'utf8') + readFileSync(join(dir, 'app.log'), 'utf8');
  const leaked = fields.map((f, i) => [f, canary(i)] as const).filter(([, c]) => text.includes(c));
  assert.deepEqual(leaked, [], 'values of secret fields reached a log');
  assert.match(text, /"userid":"alice"/, 'non-secret fields stay readable');
});

test('#12.5 secret words match as substrings in any case, ordinary names stay readable', () => {
  for (const k of ['pin', 'PIN', 'Pin', 'userPin', 'new_pin', 'voicemailPIN', 'snmpCommunityString', 'sftpPassphrase', 'apiKey', 'private-key', 'x-auth-token', 'digestCredentials', 'Password', 'pwd']) assert.equal(isSecretKey(k), true, k);
  for (const k of ['name', 'description', 'enableOutboundOptionsPing', 'ping', 'dialPlanMapping', 'keyFingerprint', 'node', 'operation', 'userid']) assert.equal(isSecretKey(k), false, k);
});
