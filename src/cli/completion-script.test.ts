import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { bashCompletion, zshCompletion } from './completion-script.ts';
import { loadAllCommands } from './commands.ts';
import { runCli } from './main-cli.ts';

function complete(script: string, words: string[]): string[] {
  const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _aibridge; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

test('bashCompletion() completes command words, subcommands and each command\'s flags', async () => {
  const COMMANDS = await loadAllCommands();
  const script = bashCompletion(COMMANDS);
  assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0, 'the script parses');
  assert.deepEqual(complete(script, ['aibridge', 'se']), ['serve', 'setup']);
  assert.deepEqual(complete(script, ['aibridge', 'clients', '']), ['list', 'revoke']);
  assert.ok(complete(script, ['aibridge', 'doctor', '--']).includes('--client'));
  assert.ok(complete(script, ['aibridge', 'doctor', '--json', '--']).includes('--timeout'), 'flags after flags');
  assert.deepEqual(complete(script, ['aibridge', 'completion', '']), ['bash', 'zsh']);
  assert.match(zshCompletion(COMMANDS), /bashcompinit/);
});

test('runCli(): "aibridge clients" alone lists its subcommands (exit 2); --help documents the exit codes', async () => {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => { lines.push(String(s)); return true; }) as typeof process.stdout.write;
  let code: number; let help: number;
  try {
    code = await runCli(['clients']);
    help = await runCli(['--help']);
  } finally { process.stdout.write = write; }
  assert.equal(code, 2);
  assert.match(lines[0] ?? '', /clients list[\s\S]*clients revoke/);
  assert.equal(help, 0);
  assert.match(lines[1] ?? '', /Exit codes: 0 success; 1 .*\n.*; 2 usage error/);
});
