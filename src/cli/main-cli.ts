/** @module argv → command → exit code. Errors become one line on stderr and a non-zero exit. */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { Command } from './command.ts';
import { COMMAND_NAMES, loadAllCommands, loadCommand } from './commands.ts';
import { AppError, errorMessage } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';
import { VERSION } from '../lib/version.ts';
import { bashCompletion, zshCompletion } from './completion-script.ts';
import { READ_ONLY_COMMANDS, checkInstallOwner } from './install-owner.ts';

function topHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `aibridge ${VERSION}: MCP server for Cisco Unified Communications`,
    '',
    'Usage: aibridge <command> [--dir DIR] [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'completion bash|zsh'.padEnd(width)}  Print a shell completion script (source <(aibridge completion bash))`,
    '',
    'Every command accepts --dir DIR (install root, default: current directory) and --help.',
    'Reading commands accept --json (clients list, credentials list, license show, audit verify,',
    'integrity, doctor, …); their tables start with a header line.',
    'Global: aibridge --help, aibridge --version',
    '',
    'Exit codes: 0 success; 1 the command failed or found a problem (a FAIL, a broken chain, an',
    'altered file, an invalid licence…); 2 usage error (unknown command or flag, missing argument).',
  ].join('\n');
}

/** Longest command name whose words prefix argv. */
function findCommandName(argv: string[]): { name: string; rest: string[] } | undefined {
  let best: { name: string; words: number; rest: string[] } | undefined;
  for (const name of COMMAND_NAMES) {
    const words = name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.words)) {
      best = { name, words: words.length, rest: argv.slice(words.length) };
    }
  }
  return best && { name: best.name, rest: best.rest };
}

/** Run the CLI; resolves to the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const out = (line: string): void => { process.stdout.write(`${line}\n`); };
  const err = (line: string): void => { process.stderr.write(`${redactText(line)}\n`); };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out(topHelp(await loadAllCommands()));
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') {
    out(`aibridge ${VERSION}`);
    return 0;
  }
  if (argv[0] === 'completion') {
    const shell = argv[1];
    if (argv.length !== 2 || (shell !== 'bash' && shell !== 'zsh')) { err('Usage: aibridge completion bash|zsh'); return 2; }
    out((shell === 'bash' ? bashCompletion : zshCompletion)(await loadAllCommands()));
    return 0;
  }
  const foundName = findCommandName(argv);
  const group = foundName ? [] : (await loadAllCommands()).filter((c) => c.name.startsWith(`${argv[0]} `));
  if (!foundName && group.length > 0 && argv.length === 1) {
    // `aibridge clients` alone: the subcommands of that word.
    const width = Math.max(...group.map((c) => c.name.length));
    out([`Usage: aibridge ${argv[0]} <subcommand> [options]`, '', 'Subcommands:', ...group.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', `Run "aibridge ${argv[0]} <subcommand> --help" for its flags.`].join('\n'));
    return 2;
  }
  const command = foundName && await loadCommand(foundName.name);
  if (!foundName || !command) {
    err(`Unknown command "${argv.join(' ')}"; run "aibridge --help" for the list`);
    return 2;
  }
  const { rest } = foundName;
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    if (parsed.values.help === true) {
      out(command.help);
      return 0;
    }
    const dirFlag = parsed.values.dir;
    const dir = resolve(typeof dirFlag === 'string' ? dirFlag : process.cwd());
    if (!READ_ONLY_COMMANDS.has(command.name)) checkInstallOwner(dir, argv);
    return await command.run({ dir, values: parsed.values, positionals: parsed.positionals, out, err });
  } catch (e) {
    if (e instanceof AppError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`aibridge ${command.name}: ${errorMessage(e)}`);
      return e instanceof AppError && e.code !== 'E_USAGE' ? 1 : 2;
    }
    err(`aibridge ${command.name}: unexpected error: ${errorMessage(e)}`);
    if (process.env.AIBRIDGE_DEBUG === '1' && e instanceof Error && e.stack) err(e.stack);
    return 1;
  }
}
