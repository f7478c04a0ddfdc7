/**
 * @module The operator's node inventory as the only way to reach Cisco: agents name a node or a
 * cluster, never a host; anything else is refused with the list of valid names (no SSRF).
 */
import { AppError } from '../lib/errors.ts';
import type { CiscoNode, CiscoProduct } from './cisco-node.ts';
import { productLabel } from './cisco-node.ts';

export interface ResolveOptions {
  /** Products the calling tool serves. */
  products: readonly CiscoProduct[];
  /** A cluster name resolves to its publisher (AXL, SQL, RIS); otherwise a cluster name is refused. */
  clusterToPublisher?: boolean;
}

export class NodeRegistry {
  readonly nodes: readonly CiscoNode[];
  #byName = new Map<string, CiscoNode>();

  constructor(nodes: readonly CiscoNode[]) {
    this.nodes = nodes;
    for (const n of nodes) this.#byName.set(n.name, n);
  }

  get(name: string): CiscoNode | undefined {
    return this.#byName.get(name);
  }

  /** Names of clusters (of some products). */
  clusters(products: readonly CiscoProduct[] = ['cucm', 'imp', 'cuc']): string[] {
    return [...new Set(this.nodes.filter((n) => products.includes(n.product)).map((n) => n.cluster))];
  }

  isCluster(name: string): boolean {
    return this.nodes.some((n) => n.cluster === name);
  }

  publisherOf(cluster: string): CiscoNode | undefined {
    return this.nodes.find((n) => n.cluster === cluster && n.role === 'publisher') ?? this.nodes.find((n) => n.cluster === cluster);
  }

  /** Valid names for a tool, for error messages and descriptions. */
  validNames(options: ResolveOptions): string[] {
    const names = this.nodes.filter((n) => options.products.includes(n.product)).map((n) => n.name);
    if (options.clusterToPublisher) for (const c of this.clusters(options.products)) if (!names.includes(c)) names.push(c);
    return names;
  }

  /** Node or cluster name → declared node of an allowed product, or E_FORBIDDEN naming the valid choices. */
  resolve(name: string, options: ResolveOptions): CiscoNode {
    const labels = options.products.map(productLabel).join(' or ');
    const valid = this.validNames(options);
    const hint = valid.length > 0 ? `use one of: ${valid.join(', ')}` : `declare ${labels} nodes in CISCO_NODES in .env`;
    let node = this.#byName.get(name);
    if (!node && options.clusterToPublisher && this.isCluster(name)) node = this.publisherOf(name);
    if (!node) {
      const what = this.isCluster(name) ? `"${name}" is a cluster; this tool needs a node name` : `"${name.slice(0, 80)}" is not a declared ${labels} node${options.clusterToPublisher ? ' or cluster' : ''}`;
      throw new AppError('E_FORBIDDEN', `Refused: ${what} (aibridge only contacts nodes declared in CISCO_NODES)`, { hint });
    }
    if (!options.products.includes(node.product)) {
      throw new AppError('E_FORBIDDEN', `Refused: node "${name}" is a ${productLabel(node.product)} node, not ${labels}`, { hint });
    }
    return node;
  }
}
