/**
 * @module The RBAC profile file format ("Custom Profile JSON Structure" of the configuration
 * guide). Strict mode (PROFILE_SCHEMA_STRICT=1) rejects unknown fields at every level.
 */
import { z } from 'zod';

/** Requests per minute per client; 0 disables the section's calls without removing it. */
const RATE = z.number().int().min(0).max(1_000_000).describe('requests per minute, per client');
const NAMES = z.array(z.string().min(1).max(200)).max(500);

function section<S extends z.ZodRawShape>(shape: S, strict: boolean) {
  const o = z.object({ rate_limit: RATE, ...shape });
  return strict ? o.strict() : o.strip();
}

/** Build the schema; `strict` turns unknown keys into errors instead of dropping them. */
export function profileSchema(strict: boolean) {
  const obj = <S extends z.ZodRawShape>(shape: S) => (strict ? z.object(shape).strict() : z.object(shape).strip());
  const axl = section({ allowed_prefixes: NAMES.optional(), allowed_exact: NAMES.optional() }, strict);
  const ssh = section({ allowed_prefixes: NAMES }, strict);
  const ris = section({ allowed_device_classes: NAMES.optional(), allowed_statuses: NAMES.optional() }, strict);
  const phone = section({ allowed_actions: z.array(z.enum(['screenshot'])).optional() }, strict);
  const cupi = section({ allowed_prefixes: z.array(z.string().regex(/^(GET|POST|PUT|DELETE) \/\S*$/, 'must be "<GET|POST|PUT|DELETE> /path"')).max(500) }, strict);
  const report = section({}, strict);
  const control = section({
    allowed_services: NAMES.optional().describe('services that may be controlled (case-insensitive); absent = every service'),
    allowed_actions: z.array(z.enum(['Start', 'Stop', 'Restart'])).optional().describe('absent = Start, Stop and Restart'),
  }, strict);
  const serviceability = obj({ status: section({}, strict).optional(), control: control.optional(), logs: section({}, strict).optional(), perfmon: section({}, strict).optional(), cdr: section({}, strict).optional() });
  // Change control (src/changes): every write needs approval unless named in exempt_operations;
  // four_eyes_operations must be approved by another client or on the appliance (not in-client).
  const changes = obj({
    exempt_operations: NAMES.optional().describe('operations applied without approval: AXL names, "executeSQLUpdate", "METHOD /path" prefixes, CLI command prefixes'),
    four_eyes_operations: NAMES.optional().describe('operations that need a second person (another client or the appliance CLI)'),
    approve_others: z.boolean().optional().describe('may approve or reject other clients\' changes'),
  });
  return obj({
    description: z.string().max(2000).default(''),
    product_scope: z.array(z.enum(['cucm', 'imp', 'cuc', 'all'])).min(1),
    cucm: obj({ axl: axl.optional(), ris: ris.optional(), ssh: ssh.optional(), phone: phone.optional(), serviceability: serviceability.optional() }).optional(),
    imp: obj({ axl: axl.optional(), ssh: ssh.optional() }).optional(),
    cuc: obj({ cupi: cupi.optional(), ssh: ssh.optional() }).optional(),
    common: obj({ report: report.optional() }).optional(),
    changes: changes.optional(),
  });
}

export type Profile = z.infer<ReturnType<typeof profileSchema>>;
export type ProfileProduct = 'cucm' | 'imp' | 'cuc';
