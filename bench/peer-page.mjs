/**
 * The peer on the page: driver.js (MIT, the lightest tour library) loaded into the sample
 * CRM the way a site loads it, from the files it ships (its IIFE build and its stylesheet as
 * page resources, as its documentation's CDN snippet does), highlighting one field with a
 * popover, the job Inflow's tip does on that page. Playwright's routing adds the three tags
 * to the page's HTML and serves the two files from the page's own origin; nothing else of the
 * page changes, so the page without either tool is its baseline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PEER_PREFIX } from './size.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PREFIX = '/__bench-peer/';

/** driver.js as installed in the project or by `--fetch-peer`, or null. */
export function findDriver() {
  for (const base of [resolve(ROOT, 'node_modules'), resolve(PEER_PREFIX, 'node_modules')]) {
    const dir = join(base, 'driver.js');
    const js = join(dir, 'dist/driver.js.iife.js');
    const css = join(dir, 'dist/driver.css');
    if (existsSync(js) && existsSync(css)) {
      const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: 'driver.js', version, js, css };
    }
  }
  return null;
}

/**
 * What the site adds to its page: the stylesheet, the library, and its own few lines that
 * wait for the single-page app to draw the field, then highlight it with a popover.
 */
function tags({ selector, title, description }) {
  const call = JSON.stringify({ element: selector, popover: { title, description } });
  return [
    `<link rel="stylesheet" href="${PREFIX}driver.css">`,
    `<script src="${PREFIX}driver.js"></script>`,
    `<script>
(() => {
  const show = () => window.driver.js.driver().highlight(${call});
  if (document.querySelector(${JSON.stringify(selector)})) return show();
  const watch = new MutationObserver(() => {
    if (!document.querySelector(${JSON.stringify(selector)})) return;
    watch.disconnect();
    show();
  });
  watch.observe(document, { childList: true, subtree: true });
})();
</script>`,
  ].join('\n');
}

/**
 * The page's HTML, asked of the sample server on loopback under the page's own host name
 * (Node does not resolve *.localhost names as Chromium does).
 */
function fetchHtml(url) {
  const { hostname, host, port, pathname } = new URL(url);
  const address = hostname.endsWith('.localhost') ? '127.0.0.1' : hostname;
  return new Promise((ok, fail) => {
    get({ host: address, port, path: pathname, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () =>
        res.statusCode === 200 ? ok(body) : fail(new Error(`${url} answered ${res.statusCode}`)),
      );
    }).on('error', fail);
  });
}

/**
 * A page setup for main-thread.mjs: routes the page's document (`url`) through Playwright to
 * serve it with the peer added, and serves the peer's files. The page is static: its HTML is
 * read once.
 * @param {{ js: string, css: string }} peer from findDriver()
 * @param {string} url the page to add the peer to
 * @param {{ selector: string, title: string, description: string }} highlight
 */
export async function withPeer(peer, url, highlight) {
  const js = readFileSync(peer.js);
  const css = readFileSync(peer.css);
  const page = new URL(url);
  const original = await fetchHtml(url);
  if (!original.includes('</head>')) throw new Error(`${url} has no </head> to add the peer to`);
  const html = original.replace('</head>', `${tags(highlight)}\n</head>`);
  /** @param {import('@playwright/test').Page} tab */
  return async (tab) => {
    await tab.route(`${page.origin}${PREFIX}**`, (route) => {
      const file = new URL(route.request().url()).pathname.slice(PREFIX.length);
      if (file === 'driver.js') {
        return route.fulfill({ status: 200, contentType: 'text/javascript', body: js });
      }
      if (file === 'driver.css') {
        return route.fulfill({ status: 200, contentType: 'text/css', body: css });
      }
      return route.fulfill({ status: 404, body: '' });
    });
    await tab.route(`${page.origin}${page.pathname}`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
  };
}
