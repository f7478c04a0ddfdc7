/**
 * @module What a tool call addresses, in RBAC's terms: product, protocol, rate category and the
 * target derived from the arguments. RBAC decides on these; tools (mcp/tool-definition.ts)
 * declare them.
 */

export type Product = 'cucm' | 'imp' | 'cuc' | 'common';
export type Protocol = 'axl' | 'ris' | 'ssh' | 'phone' | 'cupi' | 'serviceability' | 'report';
/** The serviceability APIs, each its own profile section `cucm.serviceability.<api>` with its own rate limit. */
export type ServiceabilityApi = 'status' | 'control' | 'logs' | 'perfmon' | 'cdr';
/** Rate-limit category a call counts against (per client, per product). */
export type RateCategory = 'axl' | 'ssh' | 'ris' | 'phone' | 'cupi' | 'common' | `serviceability.${ServiceabilityApi}`;

/**
 * What a call actually asks for, derived from its arguments before anything is contacted.
 * RBAC decides on this (AXL operation, SSH command, `METHOD /path`, RIS classes/statuses).
 */
export interface ToolTarget {
  /** Node or cluster name as the agent gave it (resolved by the tool, never a raw host). */
  node?: string;
  /** Product actually addressed when the tool serves several (defaults to the tool's product). */
  product?: Exclude<Product, 'common'>;
  axlOperation?: string;
  sshCommand?: string;
  /** `METHOD /normalised/path` for CUPI. */
  cupiRequest?: string;
  risDeviceClasses?: string[];
  risStatuses?: string[];
  phoneAction?: 'screenshot';
  serviceabilityApi?: ServiceabilityApi;
  /** Service names a Control Center call addresses. */
  services?: string[];
  serviceAction?: 'Start' | 'Stop' | 'Restart';
}
