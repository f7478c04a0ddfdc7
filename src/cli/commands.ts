/** @module The list of CLI subcommands; `aibridge --help` prints them in this order. */
import type { Command } from './command.ts';
import { SERVE_COMMAND } from './serve.ts';
import { AUDIT_VERIFY_COMMAND } from './audit-verify.ts';
import { AUDIT_EXPORT_COMMAND } from './audit-export.ts';
import { CLIENTS_LIST_COMMAND } from './clients-list.ts';
import { CLIENTS_REVOKE_COMMAND } from './clients-revoke.ts';
import { CREDENTIALS_COMMANDS } from './credentials.ts';
import { SCHEMAS_FETCH_COMMAND } from './schemas-fetch.ts';
import { LAB_COMMAND } from './lab.ts';
import { BACKUP_COMMAND } from './backup.ts';
import { RESTORE_COMMAND } from './restore.ts';
import { ROTATE_COMMAND } from './rotate.ts';
import { INTEGRITY_COMMAND } from './integrity.ts';
import { SHOW_TECH_COMMAND } from './show-tech.ts';
import { SFTP_PASSWORD_COMMANDS } from './sftp-password.ts';
import { UPGRADE_COMMAND } from './upgrade.ts';
import { LICENSE_COMMANDS } from './license.ts';
import { SETUP_COMMAND } from './setup.ts';
import { DOCTOR_COMMAND } from './doctor.ts';
import { FAIL2BAN_LIST_COMMAND, FAIL2BAN_UNBLOCK_COMMAND } from './fail2ban.ts';
import { CHANGES_COMMANDS } from './changes.ts';

export const COMMANDS: readonly Command[] = [
  SETUP_COMMAND,
  SERVE_COMMAND,
  AUDIT_VERIFY_COMMAND,
  AUDIT_EXPORT_COMMAND,
  CLIENTS_LIST_COMMAND,
  CLIENTS_REVOKE_COMMAND,
  FAIL2BAN_LIST_COMMAND,
  FAIL2BAN_UNBLOCK_COMMAND,
  ...CREDENTIALS_COMMANDS,
  ...CHANGES_COMMANDS,
  SCHEMAS_FETCH_COMMAND,
  LAB_COMMAND,
  BACKUP_COMMAND,
  RESTORE_COMMAND,
  ROTATE_COMMAND,
  INTEGRITY_COMMAND,
  DOCTOR_COMMAND,
  SHOW_TECH_COMMAND,
  ...SFTP_PASSWORD_COMMANDS,
  UPGRADE_COMMAND,
  ...LICENSE_COMMANDS,
];
