/**
 * Time from DOMContentLoaded to the first aid on screen.
 *
 * A script in the page's main world (added before any of the page's own) watches for the
 * <inflow-overlay> host being attached to <html>, then for the panel (<aside>) inside its
 * open shadow root, and stamps performance.now() at each. The reference is the navigation
 * entry's domContentLoadedEventStart. "Cold" loads happen right after the extension's
 * service worker was stopped over CDP, so the lookup has to start it again.
 */
import { serviceWorkerControl } from './browser.mjs';

function pageProbe(startedEvent) {
  const marks = {};
  Object.defineProperty(window, '__inflowBench', { value: marks });
  const mark = (k) => {
    if (!(k in marks)) marks[k] = performance.now();
  };
  // The overlay announces itself on the document as it starts, so that an older copy stops
  // (src/overlay/context.ts): the same event marks when the content script began.
  document.addEventListener(startedEvent, () => mark('script'), { capture: true, once: true });
  const watchShadow = (host) => {
    const found = () => {
      if (host.shadowRoot?.querySelector('aside')) {
        mark('aside');
        return true;
      }
      return false;
    };
    if (found()) return;
    const root = host.shadowRoot;
    if (!root) return;
    const mo = new MutationObserver(() => found() && mo.disconnect());
    mo.observe(root, { childList: true, subtree: true });
  };
  const watchHtml = (html) => {
    const mo = new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.addedNodes) {
          if (node.nodeName === 'INFLOW-OVERLAY') {
            mark('host');
            watchShadow(node);
            mo.disconnect();
            return;
          }
        }
      }
    });
    mo.observe(html, { childList: true });
  };
  if (document.documentElement) watchHtml(document.documentElement);
  else {
    const mo = new MutationObserver(() => {
      if (!document.documentElement) return;
      mo.disconnect();
      watchHtml(document.documentElement);
    });
    mo.observe(document, { childList: true });
  }
}

async function sample(context, url, timeout) {
  const page = await context.newPage();
  try {
    await page.addInitScript(pageProbe, 'inflow-overlay-started');
    const response = await page.goto(url, { waitUntil: 'domcontentloaded' });
    if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`);
    const shown = await page
      .waitForFunction(() => window.__inflowBench?.aside !== undefined, null, { timeout })
      .then(() => true)
      .catch(() => false);
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        responseEnd: nav.responseEnd,
        dcl: nav.domContentLoadedEventStart,
        dclEnd: nav.domContentLoadedEventEnd,
        load: nav.loadEventStart,
        script: window.__inflowBench.script ?? null,
        host: window.__inflowBench.host ?? null,
        aside: window.__inflowBench.aside ?? null,
      };
    });
    return {
      shown,
      // From DOMContentLoaded to the panel in the shadow root (the first aid a person sees).
      asideMs: t.aside === null ? null : t.aside - t.dcl,
      hostMs: t.host === null ? null : t.host - t.dcl,
      // From DOMContentLoaded to the start of the overlay's main() (injection and parse).
      scriptMs: t.script === null ? null : t.script - t.dcl,
      dclAfterResponseMs: t.dcl - t.responseEnd,
    };
  } finally {
    await page.close();
  }
}

/**
 * @param {import('@playwright/test').BrowserContext} context with the extension, ready
 * @param {string} url
 * @param {{ n: number, warmup: number, extensionId: string, timeout?: number }} o
 */
export async function measureFirstAid(context, url, { n, warmup, extensionId, timeout = 10_000 }) {
  const control = context.pages()[0] ?? (await context.newPage());
  const sw = await serviceWorkerControl(context, control, `chrome-extension://${extensionId}/`);
  const warm = [];
  const cold = [];
  let stopMethod = null;
  const notCold = [];
  try {
    for (let i = 0; i < warmup; i++) await sample(context, url, timeout);
    for (let i = 0; i < n; i++) {
      stopMethod = await sw.stop();
      const statusBefore = sw.status();
      const trace = sw.trace();
      const c = await sample(context, url, timeout);
      const statuses = trace();
      // A cold sample must have found the worker stopped and seen it start for this load.
      c.workerWasStopped = statusBefore === 'stopped' && statuses.includes('starting');
      if (!c.workerWasStopped) notCold.push({ statusBefore, statuses });
      cold.push(c);
      const statusWarm = sw.status();
      const w = await sample(context, url, timeout);
      w.workerWasRunning = statusWarm === 'running';
      warm.push(w);
    }
  } finally {
    await sw.detach();
  }
  return { warm, cold, stopMethod, notCold };
}
