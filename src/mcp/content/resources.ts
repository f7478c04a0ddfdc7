/**
 * @module MCP resources: the node inventory (names, products, roles, clusters; never hosts'
 * credentials), the caller's own profile, the caller's own reports (one resource per Markdown
 * report and per PDF) and the AXL operation documentation template `aibridge://axl/{version}/{operation}`.
 * Report URIs carry no client name: they always resolve in the caller's own folder, so
 * `resources/list` shows only the caller's reports and another client's URI reads nothing.
 * Report reads are audited (ACTIONS resource_read).
 */
import type { McpError, ReadResourceResult, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../auth/principal.ts';
import type { Profile } from '../../rbac/profile-schema.ts';
import type { NodeRegistry } from '../../cisco/node-registry.ts';
import type { AxlSchemas } from '../../cisco/axl/axl-schemas.ts';
import type { ReportStore } from '../../reports/report-store.ts';
import type { NodeVersions } from '../../health/node-versions.ts';
import { AppError, errorMessage } from '../../lib/errors.ts';
import { describeType } from '../tools/axl-describe.ts';
import { RESOURCE_NOT_FOUND, mcpError } from '../rpc-errors.ts';

export const INVENTORY_URI = 'aibridge://inventory';
export const PROFILE_URI = 'aibridge://profile';
const REPORT_PREFIX = 'aibridge://reports/';
const AXL_TEMPLATE = 'aibridge://axl/{version}/{operation}';

export interface ResourceDeps {
  store: ReportStore;
  nodes: NodeRegistry;
  /** Versions seen by health checks since start-up. */
  versions?: NodeVersions;
  axl: AxlSchemas;
  profileOf(p: Principal): Profile | undefined;
  /** Durable audit append; a report is only handed out once its read is recorded (fail closed). */
  audit(event: string, fields: Record<string, unknown>): Promise<void>;
}

function json(uri: string, data: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(data, null, 2) }] };
}

function notFound(uri: string, hint: string): Promise<McpError> {
  return mcpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri.slice(0, 200)}; ${hint}`);
}

export function inventoryOf(nodes: NodeRegistry, versions?: NodeVersions): Record<string, unknown> {
  return {
    clusters: nodes.clusters().map((c) => {
      const members = nodes.nodes.filter((n) => n.cluster === c);
      return {
        cluster: c, product: members[0]?.product,
        nodes: members.map((n) => { const v = versions?.get(n.name); return { name: n.name, product: n.product, role: n.role, ...(v ? { version: v.version, version_seen_at: v.seenAt } : {}) }; }),
      };
    }),
    note: 'Tools take these node and cluster names; hosts and credentials are not shown. "version" is what the last health check of this server saw.',
  };
}

export class McpResources {
  readonly #d: ResourceDeps;

  constructor(deps: ResourceDeps) {
    this.#d = deps;
  }

  templates(): ResourceTemplate[] {
    return [{ uriTemplate: AXL_TEMPLATE, name: 'axl-operation', title: 'AXL operation documentation', description: `Request schema of one AXL operation for an AXL version (${this.#d.axl.available().join(', ')}), e.g. aibridge://axl/14.0/addPhone`, mimeType: 'application/json' }];
  }

  async list(p: Principal): Promise<Resource[]> {
    const out: Resource[] = [
      { uri: INVENTORY_URI, name: 'inventory', title: 'Declared Cisco nodes', description: `Clusters and nodes aibridge may contact: ${this.#d.nodes.clusters().join(', ')}`, mimeType: 'application/json' },
      { uri: PROFILE_URI, name: 'profile', title: 'My RBAC profile', description: 'What your profile allows per product', mimeType: 'application/json' },
    ];
    for (const r of await this.#d.store.list(p.clientName)) {
      out.push({ uri: `${REPORT_PREFIX}${r.name}`, name: r.name, title: r.title, mimeType: 'text/markdown', size: r.bytes });
      if (r.pdf) out.push({ uri: `${REPORT_PREFIX}${r.pdf}`, name: r.pdf, title: `${r.title} (PDF)`, mimeType: 'application/pdf' });
    }
    return out;
  }

  async read(p: Principal, uri: string): Promise<ReadResourceResult> {
    if (uri === INVENTORY_URI) return json(uri, inventoryOf(this.#d.nodes, this.#d.versions));
    if (uri === PROFILE_URI) {
      const profile = this.#d.profileOf(p);
      return json(uri, { client: p.clientName, profile: p.profile, loaded: profile !== undefined, ...(profile ? { permissions: profile } : {}) });
    }
    if (uri.startsWith(REPORT_PREFIX)) return this.#readReport(p, uri);
    const axl = /^aibridge:\/\/axl\/(\d{1,2}\.\d)\/([A-Za-z][A-Za-z0-9]{0,99})$/.exec(uri);
    if (axl) return this.#readAxl(uri, axl[1]!, axl[2]!);
    throw await notFound(uri, 'resources/list and resources/templates/list show what exists');
  }

  async #readReport(p: Principal, uri: string): Promise<ReadResourceResult> {
    const name = uri.slice(REPORT_PREFIX.length);
    try {
      const r = name.endsWith('.pdf')
        ? await this.#d.store.readPdf(p.clientName, name).then((x): ReadResourceResult => ({ contents: [{ uri, mimeType: 'application/pdf', blob: x.pdf.toString('base64') }] }))
        : await this.#d.store.read(p.clientName, name).then((x): ReadResourceResult => ({ contents: [{ uri, mimeType: 'text/markdown', text: x.markdown }] }));
      await this.#d.audit('resource_read', { client: p.clientName, uri, result: 'ok' });
      return r;
    } catch (err) {
      if (err instanceof AppError && err.code === 'E_AUDIT_WRITE') throw err;
      await this.#d.audit('resource_read', { client: p.clientName, uri: uri.slice(0, 200), result: 'error', reason: errorMessage(err).slice(0, 200) }).catch(() => undefined);
      if (err instanceof AppError && (err.code === 'E_NOT_FOUND' || err.code === 'E_INPUT_INVALID')) throw await notFound(uri, 'resources/list shows your reports');
      throw err;
    }
  }

  async #readAxl(uri: string, version: string, operation: string): Promise<ReadResourceResult> {
    if (!this.#d.axl.available().includes(version)) throw await notFound(uri, `AXL versions here: ${this.#d.axl.available().join(', ')}`);
    const schema = this.#d.axl.get(version);
    const t = schema.operations.includes(operation) ? schema.model.elementType(operation) : undefined;
    if (!t) throw await notFound(uri, `"${operation}" is not an AXL ${version} operation; cucm_axl_operations lists them`);
    return json(uri, { axl_version: version, operation, request: describeType(schema.model, t), legend: '"?" optional, "[]" repeated, "(one of)" alternatives' });
  }
}
