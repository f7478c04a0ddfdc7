/**
 * @module The HTTPS listener of one lab node and its routes: CUCM (/axl/, RisPort70, the AXL
 * toolkit download), IM&P (/axl/ subset) and Unity Connection (/vmrest/). Anything else is
 * Tomcat's 404.
 */
import https from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { LabNode } from './lab-node.ts';
import type { LabData } from './lab-data.ts';
import type { FaultDice } from './faults.ts';
import type { LeafPem } from './certs.ts';
import { createAxlHandler } from './axl/axl-handler.ts';
import { createRisHandler } from './ris-handler.ts';
import { createCupiHandler } from './cupi-handler.ts';
import { axlToolkitZip } from './axl/axl-toolkit.ts';
import { tomcatError } from './http-util.ts';
import { NODE_LAYOUT } from './lab-node.ts';
import { createControlCenterHandler } from './serviceability/control-center-handler.ts';
import { createLogCollectionHandler } from './serviceability/log-collection-handler.ts';
import { createPerfmonHandler } from './serviceability/perfmon-handler.ts';
import { createCdrHandler } from './serviceability/cdr-handler.ts';
import { LabTraceFiles } from './serviceability/trace-files.ts';
import { LabCdrRepository } from './serviceability/cdr-files.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export const IMP_AXL_OPS = new Set(['getCCMVersion', 'executeSQLQuery', 'executeSQLUpdate', 'listUser', 'getUser']);
const AEAD_CIPHERS = 'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305';

export interface NodeHttpsOptions { node: LabNode; data: LabData; faults: FaultDice; tls: LeafPem; /** Size of the extra large trace file (benchmarks); 0 = none. */ bigTraceMb?: number }

function routes(o: NodeHttpsOptions): (path: string) => Handler | undefined {
  const { node, data, faults } = o;
  const svc = node.product === 'cucm' ? serviceabilityRoutes(o) : undefined;
  const axl = node.product === 'cuc' ? undefined : createAxlHandler({ data, faults, allowedOps: node.product === 'imp' ? IMP_AXL_OPS : undefined });
  const ris = node.product === 'cucm' ? createRisHandler({ data, faults }) : undefined;
  const cupi = node.product === 'cuc' ? createCupiHandler({ data, faults }) : undefined;
  return (path) => {
    if (axl && path === '/axl/') return axl;
    if (ris && path === '/realtimeservice2/services/RISService70') return ris;
    if (node.product === 'cucm' && path === '/plugins/axlsqltoolkit.zip') {
      return (_req, res) => {
        const zip = axlToolkitZip(data.version);
        res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': String(zip.length), 'Content-Disposition': 'attachment; filename="axlsqltoolkit.zip"' });
        res.end(zip);
      };
    }
    if (cupi && (path === '/vmrest' || path.startsWith('/vmrest/'))) return cupi;
    return svc?.get(path);
  };
}

/** Control Center, Log Collection + DIME, PerfMon on every CUCM node; CDRonDemand on the publisher. */
function serviceabilityRoutes(o: NodeHttpsOptions): Map<string, Handler> {
  const { node, data, faults } = o;
  const cluster = NODE_LAYOUT.filter((n) => n.cluster === node.cluster);
  const cdr = node.role === 'publisher' ? new LabCdrRepository(data.calls, data.cucmNodes, node.cluster) : undefined;
  const logs = createLogCollectionHandler({ node, cluster, data, faults, traces: new LabTraceFiles(data.calls, data.startedAt, o.bigTraceMb ?? 0), ...(cdr ? { cdr } : {}) });
  const m = new Map<string, Handler>([
    ['/controlcenterservice2/services/ControlCenterServices', createControlCenterHandler({ node, data, faults })],
    ['/logcollectionservice2/services/LogCollectionPortTypeService', logs],
    ['/logcollectionservice/services/DimeGetFileService', logs],
    ['/perfmonservice2/services/PerfmonService', createPerfmonHandler({ node, data, faults })],
  ]);
  if (cdr) m.set('/CDRonDemandService2/services/CDRonDemandService', createCdrHandler({ node, data, faults, repository: cdr }));
  return m;
}

/** Listen on node.host (port chosen by the OS); resolves with the server once listening. */
export function startNodeHttps(opts: NodeHttpsOptions): Promise<Server> {
  const route = routes(opts);
  const server = https.createServer({ key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2', ciphers: AEAD_CIPHERS }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const handler = route(path);
    if (!handler) { tomcatError(res, 404, 'Not Found'); return; }
    Promise.resolve(handler(req, res)).catch(() => { if (!res.headersSent) tomcatError(res, 500, 'Internal Server Error'); else res.destroy(); });
  });
  // Tomcat's default connectionTimeout (and so keep-alive timeout) on CUCM is 20 s.
  server.keepAliveTimeout = 20_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.node.host, () => { server.off('error', reject); resolve(server); });
  });
}
