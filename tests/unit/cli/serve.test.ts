import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PackServer, startPackServer } from '../../../src/cli/serve';
import { tempDir, validPack, writeJson } from './helpers';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the path is sent exactly as given, without URL normalisation. */
function send(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('inflow serve', () => {
  let root: string;
  let dir: string;
  let server: PackServer;

  beforeEach(async () => {
    root = await tempDir();
    dir = join(root, 'packs');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeJson(join(dir, 'crm.json'), validPack('crm'));
    await writeJson(join(dir, 'sub', 'portal.json'), validPack('portal'));
    await writeFile(join(dir, 'notes.txt'), 'not a pack');
    await writeFile(join(dir, '.hidden.json'), '{}');
    await writeFile(join(root, 'secret.json'), '{"secret":true}');
    await writeFile(join(root, 'package.json'), '{"name":"outside"}');
    server = await startPackServer({ dir, port: 0 });
  });

  afterEach(async () => {
    await server.close();
  });

  it('serves a pack as JSON with a strong ETag, Last-Modified, no-cache and CORS', async () => {
    expect(server.url('crm.json')).toBe(`http://127.0.0.1:${server.port}/crm.json`);
    const res = await send(server.port, '/crm.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(Date.parse(String(res.headers['last-modified']))).not.toBeNaN();
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(res.body)).toEqual(validPack('crm'));
    expect((await send(server.port, '/sub/portal.json')).status).toBe(200);
    const viaFetch = await fetch(server.url('crm.json?t=1'));
    expect(viaFetch.status).toBe(200);
    expect(viaFetch.headers.get('etag')).toBe(res.headers.etag);
  });

  it('answers If-None-Match with 304 until the file changes', async () => {
    const first = await send(server.port, '/crm.json');
    const etag = String(first.headers.etag);
    const again = await send(server.port, '/crm.json', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['access-control-allow-origin']).toBe('*');
    expect(
      (await send(server.port, '/crm.json', { 'If-None-Match': `"x", W/${etag}` })).status,
    ).toBe(304);

    await writeJson(join(dir, 'crm.json'), validPack('crm', '1.1.0'));
    const changed = await send(server.port, '/crm.json', { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(JSON.parse(changed.body).version).toBe('1.1.0');
  });

  it('answers If-Modified-Since with 304 when the file is not newer', async () => {
    await utimes(
      join(dir, 'crm.json'),
      new Date('2025-01-01T00:00:00Z'),
      new Date('2025-01-01T00:00:00Z'),
    );
    const res = await send(server.port, '/crm.json');
    expect(res.headers['last-modified']).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
    const since = { 'If-Modified-Since': 'Wed, 01 Jan 2025 00:00:00 GMT' };
    expect((await send(server.port, '/crm.json', since)).status).toBe(304);
    const older = { 'If-Modified-Since': 'Tue, 31 Dec 2024 00:00:00 GMT' };
    expect((await send(server.port, '/crm.json', older)).status).toBe(200);
  });

  it.each([
    '/../package.json',
    '/../secret.json',
    '/%2e%2e/secret.json',
    '/%2E%2E/secret.json',
    '/..%2fsecret.json',
    '/%2e%2e%2fsecret.json',
    '/sub/../../secret.json',
    '/sub/%2e%2e/%2e%2e/secret.json',
    '/..%5csecret.json',
    '/%2e%2e%5csecret.json',
    '//secret.json',
    '/.hidden.json',
    '/link.json',
    '/notes.txt',
    '/sub',
    '/',
    '/missing.json',
    '/%E0%A4%A.json',
    '/crm.json%00.txt',
  ])('404s %s', async (path) => {
    await symlink(join(root, 'secret.json'), join(dir, 'link.json')).catch(() => {});
    const res = await send(server.port, path);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('secret');
    expect(res.body).not.toContain('outside');
  });

  it('answers HEAD without a body, a CORS preflight, and 405 for other methods', async () => {
    const head = await send(server.port, '/crm.json', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers.etag).toBeDefined();
    const preflight = await send(server.port, '/crm.json', {}, 'OPTIONS');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('If-None-Match');
    expect((await send(server.port, '/crm.json', {}, 'PUT')).status).toBe(405);
  });
});

/** What a raw connection saw: the bytes the server sent, and how the connection ended. */
interface RawExchange {
  text: string;
  /** Bytes of the request the client had handed to the connection when the answer came. */
  sentAtAnswer: number;
  /** Bytes of the request the connection took in all. */
  sentInAll: number;
  ended: 'end' | 'error';
}

/**
 * Sends `head` and the first `first` bytes of a body of `total` bytes, waits for the
 * server's answer and for it to close its side, then tries to send the rest of the body.
 */
function rawExchange(port: number, head: string, first: number, total: number) {
  return new Promise<RawExchange>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let text = '';
    let sentAtAnswer = -1;
    let settled = false;
    const done = (ended: RawExchange['ended']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, sentAtAnswer, sentInAll: socket.bytesWritten, ended });
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(new Error(`the server kept the connection open; it answered: ${text}`));
    }, 5_000);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (sentAtAnswer < 0 && text.includes('\r\n\r\n')) sentAtAnswer = socket.bytesWritten;
    });
    socket.on('error', () => done('error'));
    socket.on('close', () => done('end'));
    // The server ended its side: the rest of the body goes nowhere, as fast as it can.
    socket.on('end', () => {
      let left = total - first;
      const pump = () => {
        while (left > 0 && !socket.destroyed) {
          left -= chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    });
    socket.write(head);
    if (first > 0) socket.write(Buffer.alloc(first, 0x61));
  });
}

describe('inflow serve refuses bodies before reading them', () => {
  let dir: string;
  let server: PackServer;
  const MB50 = 50 * 1024 * 1024;

  beforeEach(async () => {
    dir = await tempDir();
    await writeJson(join(dir, 'crm.json'), validPack('crm'));
    server = await startPackServer({ dir, port: 0 });
  });

  afterEach(async () => {
    await server.close();
  });

  it('answers a 50 MB POST with 405 and closes, having been sent 64 KB of it', async () => {
    const head = `POST /crm.json HTTP/1.1\r\nHost: x\r\nContent-Length: ${MB50}\r\n\r\n`;
    const seen = await rawExchange(server.port, head, 64 * 1024, MB50);
    expect(seen.text).toMatch(/^HTTP\/1\.1 405 /);
    expect(seen.text).toMatch(/\r\nAllow: GET, HEAD, OPTIONS\r\n/i);
    expect(seen.text).toMatch(/\r\nConnection: close\r\n/i);
    // The answer came while all but 64 KB of the body was still unsent, and the server
    // closed the connection instead of reading the rest: it took far less than 50 MB.
    expect(seen.sentAtAnswer).toBeLessThanOrEqual(head.length + 64 * 1024);
    expect(seen.sentInAll).toBeLessThan(MB50 / 2);
    console.log(`50 MB POST: the connection took ${seen.sentInAll} bytes before it closed`);
    // And the server goes on serving.
    const next = await send(server.port, '/crm.json');
    expect(next.status).toBe(200);
  });

  it('refuses a body to GET with 413, also a chunked one, without reading it', async () => {
    const sized = await rawExchange(
      server.port,
      `GET /crm.json HTTP/1.1\r\nHost: x\r\nContent-Length: ${MB50}\r\n\r\n`,
      1024,
      MB50,
    );
    expect(sized.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(sized.sentInAll).toBeLessThan(MB50 / 2);
    const chunked = await rawExchange(
      server.port,
      'GET /crm.json HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      0,
      0,
    );
    expect(chunked.text).toMatch(/^HTTP\/1\.1 413 /);
    expect((await send(server.port, '/crm.json')).status).toBe(200);
  });

  it('does not invite a body with 100 Continue', async () => {
    const seen = await rawExchange(
      server.port,
      `PUT /crm.json HTTP/1.1\r\nHost: x\r\nContent-Length: ${MB50}\r\nExpect: 100-continue\r\n\r\n`,
      0,
      0,
    );
    expect(seen.text).toMatch(/^HTTP\/1\.1 405 /);
    expect(seen.text).not.toContain('100 Continue');
  });
});
