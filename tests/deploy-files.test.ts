/**
 * The shipped deployment files hold what the Security page promises: the systemd unit passes
 * `systemd-analyze verify` and scores ≤ 2.5 in `systemd-analyze security --offline=true`; the
 * Dockerfile is multi-stage, non-root, with a HEALTHCHECK on /readyz; the compose file (parsed as
 * YAML, not grepped) is read-only, drops every capability, forbids new privileges and mounts .env
 * read-only. There is no container engine here, so the container files are checked as data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const UNIT = 'deploy/systemd/aibridge.service';

function unitValues(text: string, key: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
}

test('the systemd unit passes systemd-analyze verify and scores at most 2.5 exposure', () => {
  const text = readFileSync(UNIT, 'utf8');
  for (const [k, v] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['PrivateTmp', 'yes'], ['CapabilityBoundingSet', ''], ['MemoryDenyWriteExecute', 'no'], ['Restart', 'on-failure'], ['KillSignal', 'SIGTERM'], ['ReadWritePaths', '/opt/aibridge']] as const) {
    assert.deepEqual(unitValues(text, k), [v], `${k}=${v}`);
  }
  assert.ok(unitValues(text, 'SystemCallFilter').length > 0, 'a system-call filter');
  assert.match(unitValues(text, 'User')[0] ?? '', /^[a-z][a-z0-9-]*$/, 'a dedicated user');
  // verify checks that ExecStart exists: point it at /bin/true, as the acceptance check does.
  const dir = mkdtempSync(join(tmpdir(), 'unit-'));
  const unit = join(dir, 'aibridge.service');
  writeFileSync(unit, text.replace(/^ExecStart=\S+/m, 'ExecStart=/bin/true'));
  const verify = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
  assert.equal(verify.status, 0, `${verify.stdout}${verify.stderr}`);
  assert.equal(verify.stderr.trim(), '', 'systemd-analyze verify prints no warning');
  const sec = spawnSync('systemd-analyze', ['security', '--offline=true', unit], { encoding: 'utf8' });
  const score = Number(/Overall exposure level for .*: ([0-9.]+)/.exec(sec.stdout)?.[1]);
  assert.ok(score > 0 && score <= 2.5, `exposure ${score}`);
});

test('the Dockerfile builds in one stage and runs only the release, as a non-root user, with a /readyz HEALTHCHECK', () => {
  const text = readFileSync('Dockerfile', 'utf8');
  const stages = text.split('\n').filter((l) => l.startsWith('FROM '));
  assert.equal(stages.length, 2);
  assert.match(stages[0] ?? '', / AS build$/);
  const runtime = text.slice(text.lastIndexOf('\nFROM '));
  assert.match(text.slice(0, text.lastIndexOf('\nFROM ')), /npm ci --ignore-scripts/);
  assert.match(text, /^USER [1-9]/m, 'the build stage runs unprivileged');
  assert.match(runtime, /^ARG UID=1000$/m);
  assert.match(runtime, /^ARG GID=1000$/m);
  assert.match(runtime, /^USER \$\{UID\}:\$\{GID\}$/m);
  assert.match(runtime, /^COPY --from=build \S+ \/src\/dist\/release\/ /m, 'only the release folder reaches the runtime image');
  assert.doesNotMatch(runtime, /node_modules|npm /, 'no toolchain in the runtime stage');
  assert.match(runtime, /^HEALTHCHECK [\s\S]*\/readyz/m);
});

test('the compose file (YAML) is read-only, drops all capabilities, forbids new privileges and mounts .env read-only', () => {
  const doc = parse(readFileSync('deploy/docker-compose.yml', 'utf8')) as { services: Record<string, Record<string, unknown>> };
  const s = doc.services.aibridge;
  assert.ok(s, 'service aibridge');
  assert.equal(s.read_only, true);
  assert.deepEqual(s.security_opt, ['no-new-privileges:true']);
  assert.deepEqual(s.cap_drop, ['ALL']);
  assert.equal(s.privileged, undefined);
  const tmpfs = s.tmpfs as string[];
  assert.ok(tmpfs.some((t) => /^\/tmp:.*size=64m/.test(t)), '64 MB /tmp tmpfs');
  const volumes = s.volumes as Array<{ type: string; source: string; target: string; read_only?: boolean }>;
  const byTarget = new Map(volumes.map((v) => [v.target, v]));
  assert.equal(byTarget.get('/opt/aibridge/.env')?.read_only, true, '.env is mounted read-only');
  for (const d of ['secrets', 'clients', 'logs', 'backups', 'profiles']) assert.equal(byTarget.get(`/opt/aibridge/${d}`)?.type, 'bind', `${d} is a bind mount`);
  assert.equal(s.user, '${UID:-1000}:${GID:-1000}', 'runs as the UID/GID of .env');
  assert.deepEqual((s.healthcheck as { test: string[] }).test.slice(-1), ['https://127.0.0.1:8443/readyz']);
});
