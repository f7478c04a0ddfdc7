import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateEnv } from '../config/load-config.ts';
import { parseNodeInventory } from './parse-node-inventory.ts';
import { NodeRegistry } from './node-registry.ts';
import { AppError } from '../lib/errors.ts';

function envOf(values: Record<string, string>) {
  return validateEnv(values).env;
}

const NODES = 'cm-pub:cucm:10.1.1.5:cl1:publisher,cm-sub:cucm:cm-sub.example.com:cl1:subscriber,imp1:imp:10.1.1.7:impcl:publisher,cuc1:cuc:[fd00::9]:cuc1:publisher';

test('parseNodeInventory() reads nodes with product default ports and per-node overrides and pins', () => {
  const pin = `sha256/${Buffer.alloc(32, 7).toString('base64')}`;
  const nodes = parseNodeInventory(envOf({ CISCO_NODES: NODES, CISCO_NODE_PORTS: 'cm-sub:9443:2222', CISCO_NODE_PINS: `cm-pub:${pin}`, SERVER_CUC_CUPI_PORT: '443' }));
  assert.equal(nodes.length, 4);
  assert.deepEqual(nodes[0], { name: 'cm-pub', product: 'cucm', host: '10.1.1.5', cluster: 'cl1', role: 'publisher', httpsPort: 8443, sshPort: 22, spkiPin: Buffer.alloc(32, 7).toString('base64') });
  assert.equal(nodes[1]!.httpsPort, 9443);
  assert.equal(nodes[1]!.sshPort, 2222);
  assert.equal(nodes[3]!.host, 'fd00::9');
  assert.equal(nodes[3]!.httpsPort, 443);
});

const BAD: Array<[string, Record<string, string>, RegExp]> = [
  ['too few fields', { CISCO_NODES: 'a:cucm:10.0.0.1:cl' }, /CISCO_NODES entry "a:cucm:10.0.0.1:cl" has 4 fields/],
  ['duplicate name', { CISCO_NODES: 'a:cucm:10.0.0.1:cl:publisher,a:cucm:10.0.0.2:cl:subscriber' }, /declares node "a" twice/],
  ['bad product', { CISCO_NODES: 'a:cme:10.0.0.1:cl:publisher' }, /product "cme"/],
  ['bad host', { CISCO_NODES: 'a:cucm:bad_host!:cl:publisher' }, /invalid host "bad_host!"/],
  ['bad role', { CISCO_NODES: 'a:cucm:10.0.0.1:cl:primary' }, /role "primary"/],
  ['IP-like name', { CISCO_NODES: '10.0.0.1:cucm:10.0.0.1:cl:publisher' }, /invalid node name/],
  ['two publishers', { CISCO_NODES: 'a:cucm:10.0.0.1:cl:publisher,b:cucm:10.0.0.2:cl:publisher' }, /cluster "cl" has 2 publishers/],
  ['mixed products', { CISCO_NODES: 'a:cucm:10.0.0.1:cl:publisher,b:imp:10.0.0.2:cl:subscriber' }, /mixes cucm and imp/],
  ['ports for unknown node', { CISCO_NODES: 'a:cucm:10.0.0.1:cl:publisher', CISCO_NODE_PORTS: 'b:1:2' }, /CISCO_NODE_PORTS names node "b"/],
  ['bad port', { CISCO_NODES: 'a:cucm:10.0.0.1:cl:publisher', CISCO_NODE_PORTS: 'a:70000:22' }, /invalid port "70000"/],
  ['bad pin', { CISCO_NODES: 'a:cucm:10.0.0.1:cl:publisher', CISCO_NODE_PINS: 'a:md5/abc' }, /CISCO_NODE_PINS pin for "a"/],
];

for (const [label, env, re] of BAD) {
  test(`parseNodeInventory() refuses ${label} with E_CONFIG_INVALID naming the key`, () => {
    assert.throws(() => parseNodeInventory(envOf(env)), (e: unknown) => e instanceof AppError && e.code === 'E_CONFIG_INVALID' && re.test(e.message) && !!e.hint);
  });
}

test('NodeRegistry.resolve() maps a cluster to its publisher and refuses everything undeclared (T-IN-30)', () => {
  const reg = new NodeRegistry(parseNodeInventory(envOf({ CISCO_NODES: NODES })));
  assert.equal(reg.resolve('cl1', { products: ['cucm'], clusterToPublisher: true }).name, 'cm-pub');
  assert.equal(reg.resolve('cm-sub', { products: ['cucm'] }).host, 'cm-sub.example.com');
  for (const probe of ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0', '169.254.169.254', '2130706433', '0177.0.0.1', '0x7f000001', '[::ffff:127.0.0.1]', '127.1', '10.1.1.5', 'cm-sub.example.com', 'https://cm-pub@127.0.0.1/']) {
    assert.throws(() => reg.resolve(probe, { products: ['cucm'], clusterToPublisher: true }), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN' && /cm-pub, cm-sub, cl1/.test(e.hint ?? ''), probe);
  }
  assert.throws(() => reg.resolve('cl1', { products: ['cucm'] }), /is a cluster/);
  assert.throws(() => reg.resolve('imp1', { products: ['cucm'] }), /IM&Presence node, not CUCM/);
});
