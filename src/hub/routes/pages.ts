/**
 * The hub's page for people (./../web/): `GET /` answers the HTML document, and
 * `/assets/<name>-<hash>.js|css` its bundle and style sheet. Any other GET outside /api/ and
 * /assets/ without a file extension answers the same document, so a typed path such as
 * `/insights` still opens the page (its views are hash routes: `#/insights`).
 *
 * Every answer here carries strict headers: a Content-Security-Policy that allows scripts and
 * styles from the hub's own files only (no inline script or style), no framing, no referrer,
 * no MIME sniffing.
 */
import type { Context, Hono } from 'hono';
import { webAssets } from '../web-assets';
import type { HubEnv } from './context';
import { errorBody as error } from './context';

export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function strict(c: Context) {
  c.header('Content-Security-Policy', PAGE_CSP);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
}

export function mountPages(app: Hono<HubEnv>): void {
  app.get('/assets/:file', async (c) => {
    const file = (await webAssets()).files.get(c.req.path);
    strict(c);
    if (!file) return c.json(error('not found'), 404);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Content-Type', file.type);
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200);
  });

  app.get('*', async (c, next) => {
    const path = c.req.path;
    if (path.startsWith('/api/') || path === '/api' || /\.[A-Za-z0-9]+$/.test(path)) {
      return next();
    }
    const assets = await webAssets();
    strict(c);
    c.header('Cache-Control', 'no-cache');
    c.header('ETag', assets.etag);
    if (c.req.header('if-none-match') === assets.etag) return c.body(null, 304);
    return c.html(assets.html, 200);
  });
}
