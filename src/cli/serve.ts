/**
 * `inflow serve`: a small static HTTP server for packs, for trying sync locally and for
 * tests. It serves `*.json` files from one directory with the headers a production server
 * should send (see docs/admin.md): JSON content type, a strong ETag, Last-Modified,
 * `Cache-Control: no-cache` and CORS. Files are read on every request, so rewriting a file
 * publishes a new version.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';
import { CliError, EXIT_OK, type Io, parse, UsageError } from './io';

export interface PackServerOptions {
  /** The directory to serve. */
  dir: string;
  /** 0 picks a free port. Default 8787. */
  port?: number;
  /** Default 127.0.0.1: only this machine can connect. */
  host?: string;
  /** Called once per request, for logging. */
  onRequest?: (method: string, path: string, status: number) => void;
}

export interface PackServer {
  port: number;
  /** The URL of a path on this server: url('crm.json') -> http://127.0.0.1:8787/crm.json */
  url(path?: string): string;
  close(): Promise<void>;
}

const COMMON_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Last-Modified',
  'X-Content-Type-Options': 'nosniff',
};

/** ETag of the bytes: strong, so byte-identical files have the same tag on any server. */
function etagOf(bytes: Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;
}

/** If-None-Match matches (weak comparison, as RFC 9110 asks for this header). */
function noneMatch(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => strip(t) === strip(etag));
}

/**
 * The file a request path names inside `root`, or null. Refuses anything that is not a
 * plain `name.json` path below the root: `..` or `.` segments (also percent-encoded),
 * backslashes, NUL, hidden files, and symbolic links that lead out of the root.
 */
async function fileFor(root: string, rawPath: string): Promise<string | null> {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (!path.startsWith('/') || /[\\\0]/.test(path) || !path.endsWith('.json')) return null;
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '' || s.startsWith('.'))) return null;
  const inside = root.endsWith(sep) ? root : root + sep;
  const file = resolve(root, ...segments);
  if (!file.startsWith(inside)) return null;
  try {
    const real = await realpath(file);
    if (!real.startsWith(inside) || !(await stat(real)).isFile()) return null;
    return real;
  } catch {
    return null;
  }
}

const ALLOW = 'GET, HEAD, OPTIONS';

/**
 * Why a request is refused before anything of its body is read: a method other than GET,
 * HEAD or OPTIONS (405), or a body of any size (413), which none of those needs.
 */
function refusalOf(req: IncomingMessage): { status: 405 | 413; message: string } | null {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
    return { status: 405, message: 'Method not allowed' };
  }
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) {
    return { status: 413, message: 'This server takes no request bodies' };
  }
  return null;
}

/**
 * Answers a refused request at once and closes the connection: with `Connection: close`
 * Node ends the socket once the answer is written instead of reading (draining) the rest of
 * the body to keep the connection alive.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: 405 | 413, message: string) {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    ...(status === 405 ? { Allow: ALLOW } : {}),
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  res.end(req.method === 'HEAD' ? undefined : `${message}\n`);
  return status;
}

async function answer(root: string, req: IncomingMessage, res: ServerResponse): Promise<number> {
  const method = req.method ?? 'GET';
  const refused = refusalOf(req);
  if (refused) return refuse(req, res, refused.status, refused.message);
  if (method === 'OPTIONS') {
    res.writeHead(204, {
      ...COMMON_HEADERS,
      'Access-Control-Allow-Methods': ALLOW,
      'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since, Cache-Control',
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return 204;
  }
  const notFound = (status: number, message: string) => {
    res.writeHead(status, {
      ...COMMON_HEADERS,
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(method === 'HEAD' ? undefined : `${message}\n`);
    return status;
  };
  const rawPath = (req.url ?? '/').split(/[?#]/, 1)[0]!;
  const file = await fileFor(root, rawPath);
  if (!file) return notFound(404, 'Not found');
  let bytes: Buffer;
  let modified: Date;
  try {
    [bytes, modified] = await Promise.all([readFile(file), stat(file).then((s) => s.mtime)]);
  } catch {
    return notFound(404, 'Not found');
  }
  const etag = etagOf(bytes);
  const headers = {
    ...COMMON_HEADERS,
    ETag: etag,
    'Last-Modified': modified.toUTCString(),
    'Cache-Control': 'no-cache',
  };
  const ifNoneMatch = req.headers['if-none-match'];
  const ifModifiedSince = req.headers['if-modified-since'];
  let fresh = false;
  if (ifNoneMatch !== undefined) fresh = noneMatch(ifNoneMatch, etag);
  else if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    // HTTP dates have whole seconds.
    fresh = !Number.isNaN(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
  }
  if (fresh) {
    res.writeHead(304, headers);
    res.end();
    return 304;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': String(bytes.length),
  });
  res.end(method === 'HEAD' ? undefined : bytes);
  return 200;
}

/** Starts the server; resolves once it listens. */
export async function startPackServer(options: PackServerOptions): Promise<PackServer> {
  let root: string;
  try {
    root = await realpath(resolve(options.dir));
    if (!(await stat(root)).isDirectory()) throw new CliError(`${options.dir}: not a directory`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${options.dir}: no such directory`);
  }
  const host = options.host ?? '127.0.0.1';
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    answer(root, req, res).then(
      (status) => options.onRequest?.(req.method ?? 'GET', req.url ?? '/', status),
      () => {
        if (!res.headersSent) res.writeHead(500, COMMON_HEADERS);
        res.end();
        options.onRequest?.(req.method ?? 'GET', req.url ?? '/', 500);
      },
    );
  };
  const server = createServer(onRequest);
  // `Expect: 100-continue` comes only with a body, which is refused: answer without the
  // 100 Continue Node would otherwise send, so the client does not start sending it.
  server.on('checkContinue', onRequest);
  await new Promise<void>((done, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(
        new CliError(
          e.code === 'EADDRINUSE'
            ? `port ${options.port ?? 8787} on ${host} is already in use`
            : `cannot listen on ${host}:${options.port ?? 8787}: ${e.message}`,
        ),
      ),
    );
    server.listen(options.port ?? 8787, host, () => done());
  });
  const port = (server.address() as AddressInfo).port;
  // A wildcard address is not something to put in a URL: name this machine instead.
  const urlHost =
    host === '0.0.0.0'
      ? '127.0.0.1'
      : host === '::'
        ? '[::1]'
        : host.includes(':')
          ? `[${host}]`
          : host;
  return {
    port,
    url: (path = '') => `http://${urlHost}:${port}/${path.replace(/^\/+/, '')}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

export const serveHelp = `Usage: inflow serve <dir> [--port 8787] [--host 127.0.0.1]

Serves the *.json files in <dir> over HTTP, for trying sync on this machine and for tests:
Content-Type application/json, a strong ETag, Last-Modified, Cache-Control: no-cache,
Access-Control-Allow-Origin: *, and 304 Not Modified for If-None-Match / If-Modified-Since.
Anything else is 404. Other methods get 405, and requests with a body 413, answered
before the body is read, and the connection is closed. Files are read on each request.
Stop with Ctrl+C.

Not a production server: there is no TLS. Publish packs on your web server or CDN
(docs/admin.md).

Options:
  --port <n>     Port (default 8787; 0 picks a free one).
  --host <addr>  Address to listen on (default 127.0.0.1, this machine only).
  -h, --help     This help.

Example:
  inflow serve dist/packs --port 8787`;

export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
  });
  if (values.help) {
    io.out(serveHelp);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('name one directory to serve');
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port ${values.port}: not a port number`);
  }
  const server = await startPackServer({
    dir: positionals[0]!,
    port,
    host: values.host,
    onRequest: (method, path, status) => io.out(`${status} ${method} ${path}`),
  });
  io.out(`serving ${positionals[0]} at ${server.url()} (Ctrl+C to stop)`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT_OK;
}
