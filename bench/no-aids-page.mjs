/**
 * A page with frames on a host that no aid names, served by the benchmark itself (no sample
 * app has one): a same-origin frame, a srcdoc frame and a frame of another site. The overlay
 * registration covers only hosts with aids, so none of these frames should load anything.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

const PAGES = {
  '/': new URL('./pages/frames-no-aids.html', import.meta.url),
  '/inner': new URL('./pages/inner.html', import.meta.url),
};

/** A host label that no bundled aid names; *.localhost resolves to loopback in Chromium. */
export const NO_AIDS_HOST = 'noaids.localhost';

/**
 * Serves the page on a random port of 127.0.0.1. `crossOriginUrl` is what its third frame
 * loads: another site without aids (the sample apps' `plain` page).
 * @param {{ crossOriginUrl: string }} o
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startNoAidsPage({ crossOriginUrl }) {
  const bodies = {};
  for (const [path, file] of Object.entries(PAGES)) {
    bodies[path] = (await readFile(file, 'utf8')).replace('{{CROSS_ORIGIN_URL}}', crossOriginUrl);
  }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = req.method === 'GET' ? bodies[path] : undefined;
    if (body === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body);
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  return {
    url: `http://${NO_AIDS_HOST}:${server.address().port}/`,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
