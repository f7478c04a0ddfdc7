/**
 * @module Drive the aibridge login page in headless Chromium (playwright-core, Debian's
 * /usr/bin/chromium): open the authorization URL, fill client_id + client_secret, submit, and
 * capture the redirect on a throwaway loopback HTTP listener standing in for the client's callback.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface BrowserLoginOptions { clientId: string; secret: string; callbackPrefix: string; screenshot?: string; button?: 'allow' | 'deny' }

/** Returns the callback URL the server redirected the browser to. */
export async function browserLogin(authorizationUrl: string, o: BrowserLoginOptions): Promise<URL> {
  const cb = new URL(o.callbackPrefix);
  let captured: string | undefined;
  const listener: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', o.callbackPrefix);
    // Only the callback itself counts (Chromium also asks this origin for /favicon.ico).
    if (url.pathname === cb.pathname && captured === undefined) captured = url.href;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('done');
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(Number(cb.port), cb.hostname, () => { listener.off('error', reject); resolve(); });
  });
  // From here on the listener is closed however this ends (Chromium missing or failing to start included).
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const res = await page.goto(authorizationUrl);
    if (res?.status() !== 200) throw new Error(`login page answered ${res?.status()}: ${await page.content()}`);
    if (o.screenshot) await page.screenshot({ path: o.screenshot, fullPage: true });
    await page.fill('#client_id', o.clientId);
    await page.fill('#client_secret', o.secret);
    await Promise.all([page.waitForURL(`${o.callbackPrefix}**`, { timeout: 30_000 }), page.click(`button[value="${o.button ?? 'allow'}"]`)]);
    if (!captured) throw new Error('the browser never reached the callback');
    return new URL(captured);
  } finally {
    await browser?.close().catch(() => undefined);
    listener.closeAllConnections();
    await new Promise((resolve) => listener.close(resolve));
  }
}
