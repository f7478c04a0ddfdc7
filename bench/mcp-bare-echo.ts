/** Baseline for bench/mcp: a bare hono HTTPS server that echoes a JSON body (argv: port cert key). */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { Hono } from 'hono';
import { createAdaptorServer } from '@hono/node-server';

const [port, certFile, keyFile] = process.argv.slice(2);
const app = new Hono();
app.post('/echo', async (c) => c.json(await c.req.json()));
app.get('/health', (c) => c.text('ok'));
const server = createAdaptorServer({ fetch: app.fetch, createServer: https.createServer, serverOptions: { cert: readFileSync(certFile!), key: readFileSync(keyFile!) } });
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
