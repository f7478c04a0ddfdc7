/**
 * @module The CLI subcommands by name, in the order `aibridge --help` prints them. Each module is
 * loaded when one of its commands runs (or for --help and completion), so `serve` evaluates none
 * of the other commands' code (lab, setup, doctor, backup, reports…) and `--version` none at all.
 * `names` must equal the names of the commands `load()` returns (commands.test.ts checks it).
 */
import type { Command } from './command.ts';

export interface CommandModule {
  names: readonly string[];
  load(): Promise<readonly Command[]>;
}

export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['setup'], load: async () => [(await import('./setup.ts')).SETUP_COMMAND] },
  { names: ['serve'], load: async () => [(await import('./serve.ts')).SERVE_COMMAND] },
  { names: ['audit verify'], load: async () => [(await import('./audit-verify.ts')).AUDIT_VERIFY_COMMAND] },
  { names: ['audit export'], load: async () => [(await import('./audit-export.ts')).AUDIT_EXPORT_COMMAND] },
  { names: ['clients list'], load: async () => [(await import('./clients-list.ts')).CLIENTS_LIST_COMMAND] },
  { names: ['clients revoke'], load: async () => [(await import('./clients-revoke.ts')).CLIENTS_REVOKE_COMMAND] },
  { names: ['fail2ban list', 'fail2ban unblock'], load: async () => { const m = await import('./fail2ban.ts'); return [m.FAIL2BAN_LIST_COMMAND, m.FAIL2BAN_UNBLOCK_COMMAND]; } },
  { names: ['credentials set', 'credentials list', 'credentials delete'], load: async () => (await import('./credentials.ts')).CREDENTIALS_COMMANDS },
  { names: ['changes list', 'changes show', 'changes approve', 'changes reject'], load: async () => (await import('./changes.ts')).CHANGES_COMMANDS },
  { names: ['schemas fetch'], load: async () => [(await import('./schemas-fetch.ts')).SCHEMAS_FETCH_COMMAND] },
  { names: ['lab'], load: async () => [(await import('./lab.ts')).LAB_COMMAND] },
  { names: ['backup'], load: async () => [(await import('./backup.ts')).BACKUP_COMMAND] },
  { names: ['restore'], load: async () => [(await import('./restore.ts')).RESTORE_COMMAND] },
  { names: ['rotate'], load: async () => [(await import('./rotate.ts')).ROTATE_COMMAND] },
  { names: ['integrity'], load: async () => [(await import('./integrity.ts')).INTEGRITY_COMMAND] },
  { names: ['doctor'], load: async () => [(await import('./doctor.ts')).DOCTOR_COMMAND] },
  { names: ['show-tech'], load: async () => [(await import('./show-tech.ts')).SHOW_TECH_COMMAND] },
  { names: ['sftp-password encrypt', 'sftp-password verify'], load: async () => (await import('./sftp-password.ts')).SFTP_PASSWORD_COMMANDS },
  { names: ['upgrade'], load: async () => [(await import('./upgrade.ts')).UPGRADE_COMMAND] },
  { names: ['license show', 'license install'], load: async () => (await import('./license.ts')).LICENSE_COMMANDS },
];

/** Every command name, in help order, without loading any module. */
export const COMMAND_NAMES: readonly string[] = COMMAND_MODULES.flatMap((m) => m.names);

/** Every command, in help order (loads every module: for --help and completion). */
export async function loadAllCommands(): Promise<readonly Command[]> {
  return (await Promise.all(COMMAND_MODULES.map((m) => m.load()))).flat();
}

/** The command called `name`, loading only its module; undefined for an unknown name. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  const module = COMMAND_MODULES.find((m) => m.names.includes(name));
  return (await module?.load())?.find((c) => c.name === name);
}
