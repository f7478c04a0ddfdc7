/** @module The list of CLI subcommands; `aibridge --help` prints them in this order. */
import type { Command } from './command.ts';
import { SERVE_COMMAND } from './serve.ts';
import { AUDIT_VERIFY_COMMAND } from './audit-verify.ts';
import { AUDIT_EXPORT_COMMAND } from './audit-export.ts';
import { CREDENTIALS_COMMANDS } from './credentials.ts';
import { SCHEMAS_FETCH_COMMAND } from './schemas-fetch.ts';
import { LAB_COMMAND } from './lab.ts';

export const COMMANDS: readonly Command[] = [
  SERVE_COMMAND,
  AUDIT_VERIFY_COMMAND,
  AUDIT_EXPORT_COMMAND,
  ...CREDENTIALS_COMMANDS,
  SCHEMAS_FETCH_COMMAND,
  LAB_COMMAND,
];
