/**
 * Sample business apps for development, end-to-end tests and benchmarks.
 *
 * One HTTP server on one port serves every app; the app is chosen by the first label of the
 * Host header, so http://crm.localhost:PORT/ and http://portal.localhost:PORT/ are different
 * origins (Chromium resolves *.localhost to loopback). No dependencies beyond Node itself.
 *
 * Two apps use real component libraries: `components` loads Shoelace's files straight from
 * node_modules, and `desk` is a React bundle that scripts/build-apps.mjs writes to BUILD_ROOT
 * (the server only serves it, and says how to build it when it is missing).
 *
 *   node tests/apps/server.mjs --port 4100
 */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));
const REPO = join(ROOT, '../..');

/** Where scripts/build-apps.mjs writes built apps, one folder per app (gitignored). */
export const BUILD_ROOT = join(ROOT, '.build');

/** The command that builds the apps that need a build, as named in error pages. */
export const BUILD_COMMAND = 'node scripts/build-apps.mjs';

/**
 * The apps, by host label. `spa` apps serve index.html for any path without an extension.
 * `mounts` serve a folder of the repository under a path prefix (a library's files from
 * node_modules). `build` names the file an app's build must have written to
 * BUILD_ROOT/<app>/, which is served under /build/.
 */
export const APPS = {
  crm: { spa: true },
  portal: { spa: false },
  console: { spa: false },
  hostile: { spa: false },
  plain: { spa: false },
  components: {
    spa: false,
    mounts: { '/vendor/shoelace/': 'node_modules/@shoelace-style/shoelace/cdn' },
  },
  lookup: { spa: false },
  desk: { spa: false, build: 'desk.js' },
  frames: { spa: false },
  framed: { spa: false },
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const BASE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** Form POST handlers of the multi-page portal: path -> where to send the browser next. */
const PORTAL_POSTS = {
  '/support/new': () => `/support/thanks?ref=SR-${randomInt(100000, 1000000)}`,
  '/billing/address': () => '/billing/address-updated',
};

function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#222;background:#f6f6f6}
main{max-width:40rem;margin:4rem auto;padding:0 1rem}code{background:#e8e8e8;padding:0 .25em}</style>
</head>
<body><main><h1>${title}</h1>${body}</main></body>
</html>
`;
}

function send(res, status, headers, body, method) {
  res.writeHead(status, { ...BASE_HEADERS, ...headers });
  res.end(method === 'HEAD' ? undefined : body);
}

function sendPage(res, status, title, body, method) {
  const html = page(title, body);
  send(
    res,
    status,
    { 'Content-Type': TYPES['.html'], 'Content-Length': Buffer.byteLength(html) },
    html,
    method,
  );
}

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The file that serves `pathname` in `app`, or null. Tries the exact file, then
 * "<path>.html", then "<path>/index.html"; SPA apps fall back to index.html for any
 * path without a file extension. A path under one of the app's mounts (or /build/) is looked
 * up in that folder instead, and never outside it.
 */
async function resolveFile(app, pathname, buildRoot) {
  let appDir = join(ROOT, app);
  let rest = pathname;
  const prefixes = Object.entries(APPS[app].mounts ?? {}).map(([p, dir]) => [p, join(REPO, dir)]);
  if (APPS[app].build) prefixes.push(['/build/', join(buildRoot, app)]);
  for (const [prefix, dir] of prefixes) {
    if (pathname.startsWith(prefix)) {
      appDir = dir;
      rest = pathname.slice(prefix.length - 1);
      break;
    }
  }
  const clean = normalize(rest).replace(/^([/\\])+/, '');
  const full = join(appDir, clean);
  if (full !== appDir && !full.startsWith(appDir + sep)) return null;
  const candidates = [];
  if (rest.endsWith('/')) candidates.push(join(full, 'index.html'));
  else {
    candidates.push(full);
    if (!extname(full)) candidates.push(`${full}.html`, join(full, 'index.html'));
  }
  for (const c of candidates) if (await isFile(c)) return c;
  if (APPS[app].spa && !extname(pathname)) return join(ROOT, app, 'index.html');
  return null;
}

/**
 * The portal's next release, served for `?release=2` on any portal page: the same pages and
 * labels, but every id (and the `for`/`aria-describedby` that point at it) and every
 * generated class name is different, as after a front-end rebuild. Aids that find a field
 * by its label or name survive it; aids that rely on `#id` or a class do not.
 */
export function portalRelease2(html) {
  return html
    .replace(/\b(id|for|aria-describedby)="([^"]+)"/g, (_, attr, value) => {
      const renamed = value
        .split(/\s+/)
        .map((v) => `r2-${v}`)
        .join(' ');
      return `${attr}="${renamed}"`;
    })
    .replace(/\b([A-Z][A-Za-z]+_[a-z][A-Za-z0-9]*)__[A-Za-z0-9]{5}\b/g, '$1__r2x9q');
}

function appOfHost(hostHeader) {
  const host = (hostHeader ?? '').toLowerCase().replace(/:\d+$/, '');
  const label = host.split('.')[0];
  return Object.hasOwn(APPS, label) ? label : null;
}

/** Reads and discards a request body, with a size limit. */
function drain(req, limit = 1_000_000) {
  return new Promise((resolve, reject) => {
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      }
    });
    req.on('end', resolve);
    req.on('error', reject);
  });
}

/** Says which command builds an app whose build output is missing. */
function sendNotBuilt(res, app, buildRoot, method) {
  const missing = escapeHtml(join(buildRoot, app, APPS[app].build));
  return sendPage(
    res,
    500,
    `The ${app} app is not built`,
    `<p>The <code>${app}</code> sample app is built from its sources, and its build output ` +
      `(<code>${missing}</code>) is missing.</p>` +
      `<p>Run <code>${BUILD_COMMAND}</code> in the repository, then reload this page. ` +
      '<code>npm start</code> and <code>npm test</code> run it for you.</p>',
    method,
  );
}

async function handle(req, res, buildRoot) {
  const app = appOfHost(req.headers.host);
  const method = req.method ?? 'GET';
  if (!app) {
    const host = escapeHtml(req.headers.host ?? '');
    const list = Object.keys(APPS)
      .map((a) => `<li><code>${a}.localhost</code></li>`)
      .join('');
    return sendPage(
      res,
      404,
      'No such app',
      `<p>Nothing is served for <code>${host}</code>. The sample apps are:</p><ul>${list}</ul>`,
      method,
    );
  }

  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return sendPage(res, 400, 'Bad request', '<p>The address could not be read.</p>', method);
  }

  if (method === 'POST') {
    const next = app === 'portal' ? PORTAL_POSTS[pathname.replace(/\/+$/, '') || '/'] : undefined;
    if (!next) {
      return send(
        res,
        405,
        { Allow: 'GET, HEAD', 'Content-Type': TYPES['.txt'] },
        'Method not allowed\n',
      );
    }
    try {
      await drain(req);
    } catch {
      return send(res, 413, { 'Content-Type': TYPES['.txt'], Connection: 'close' }, 'Too large\n');
    }
    return send(res, 303, { Location: next(), 'Content-Length': 0 }, '', method);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return send(
      res,
      405,
      { Allow: 'GET, HEAD, POST', 'Content-Type': TYPES['.txt'] },
      'Method not allowed\n',
    );
  }

  const release2 =
    app === 'portal' && new URL(req.url ?? '/', 'http://x').searchParams.get('release') === '2';
  if (APPS[app].build && !(await isFile(join(buildRoot, app, APPS[app].build)))) {
    return sendNotBuilt(res, app, buildRoot, method);
  }
  const file = await resolveFile(app, pathname, buildRoot);
  if (!file) {
    return sendPage(
      res,
      404,
      'Page not found',
      `<p>There is no page at <code>${escapeHtml(pathname)}</code>. <a href="/">Go to the start page</a>.</p>`,
      method,
    );
  }
  let body = await readFile(file);
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  if (release2 && extname(file) === '.html') body = Buffer.from(portalRelease2(body.toString()));
  send(res, 200, { 'Content-Type': type, 'Content-Length': body.length }, body, method);
}

/**
 * Starts the server. `origin('crm')` is the CRM's origin, e.g. "http://crm.localhost:4100".
 * `buildRoot` is where built apps are read from (BUILD_ROOT unless a test says otherwise).
 * @param {{ port?: number, host?: string, buildRoot?: string }} [options]
 * @returns {Promise<{ port: number, origin: (app: string) => string, close: () => Promise<void> }>}
 */
export function startAppServer({ port = 0, host = '127.0.0.1', buildRoot = BUILD_ROOT } = {}) {
  const server = createServer((req, res) => {
    handle(req, res, buildRoot).catch((err) => {
      if (!res.headersSent)
        send(res, 500, { 'Content-Type': TYPES['.txt'] }, `Server error: ${err.message}\n`);
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = server.address().port;
      resolve({
        port: actual,
        origin: (app) => `http://${app}.localhost:${actual}`,
        close: () =>
          new Promise((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = inline ?? argv[i + 1];
    if (flag === '--port') {
      opts.port = Number(value);
      if (inline === undefined) i++;
    } else if (flag === '--host') {
      opts.host = value;
      if (inline === undefined) i++;
    } else if (flag === '--help' || flag === '-h') {
      console.log('usage: node tests/apps/server.mjs [--port 4100] [--host 127.0.0.1]');
      process.exit(0);
    }
  }
  if (
    opts.port !== undefined &&
    !(Number.isInteger(opts.port) && opts.port >= 0 && opts.port < 65536)
  ) {
    console.error('--port must be a port number');
    process.exit(2);
  }
  return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { origin } = await startAppServer({ port: 4100, ...parseArgs(process.argv.slice(2)) });
  for (const app of Object.keys(APPS)) console.log(`${app.padEnd(10)} ${origin(app)}/`);
  const unbuilt = Object.keys(APPS).filter(
    (app) => APPS[app].build && !existsSync(join(BUILD_ROOT, app, APPS[app].build)),
  );
  if (unbuilt.length) console.log(`\nNot built: ${unbuilt.join(', ')}. Run ${BUILD_COMMAND}.`);
}
