/**
 * Helpers for the pack sync tests: a signed sample pack for the portal, a pack server (the
 * CLI's `startPackServer` over a temporary directory, behind a small front that can also
 * fail the ways real servers fail), the options page, and a check that the store holds one
 * whole version of a pack.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStore as readTable, type Table } from '../../scripts/lib/extension.mjs';
import { generateKeyPair, signPack } from '../../src/aids/signature';
import { startPackServer } from '../../src/cli/serve';
import type { BrowserContext, Page, Worker } from './fixtures';
import { expect, readStore } from './fixtures';

export const REMOTE_PACK_ID = 'acme-portal-remote';
export const REMOTE_TITLE = 'Billing questions';
export const PACK_FILE = 'portal-remote.json';

/** The step text of a version: the version shows on the page. */
export const stepText = (version: string) => `Check the last bill with the customer (${version}).`;

/** A pack for the portal's Billing page, with two aids that both carry the version. */
export function remotePack(version: string, extra: Record<string, unknown> = {}) {
  return {
    format: 1,
    id: REMOTE_PACK_ID,
    version,
    title: `Acme portal from the organisation (${version})`,
    aids: [
      {
        id: 'billing-questions',
        kind: 'checklist',
        title: REMOTE_TITLE,
        match: { urls: ['*://portal.localhost:*/billing/'] },
        steps: [
          { id: 'last-bill', text: stepText(version) },
          { id: 'payment', text: `Ask how the customer pays (${version}).` },
        ],
      },
      {
        id: 'billing-tip',
        kind: 'tip',
        title: `Bills (${version})`,
        match: { urls: ['*://portal.localhost:*/billing/'] },
        target: { css: 'table' },
        text: `Bills are monthly (${version}).`,
      },
    ],
    ...extra,
  };
}

export interface Keys {
  publicKey: string;
  privateKey: string;
}

export const newKeys = (): Promise<Keys> => generateKeyPair();

export function sign(pack: Record<string, unknown>, keys: Keys) {
  return signPack(pack, keys.privateKey, keys.publicKey);
}

/** How the front answers: passing requests to the pack server, or failing. */
export type Mode =
  | { kind: 'pass' }
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'huge'; bytes: number }
  /** Headers and the first bytes, then nothing until `release()`. */
  | { kind: 'stall'; firstBytes: number };

export interface PackHost {
  /** The source URL of the pack. */
  url: string;
  /** Writes the pack file (object as JSON, or raw text). */
  publish(body: unknown): Promise<void>;
  setMode(mode: Mode): void;
  /** Requests for the pack so far. */
  requests: { ifNoneMatch?: string; at: number }[];
  /** Resolves when a stalled answer has sent its first bytes. */
  stalled(): Promise<void>;
  /** Lets stalled answers send the rest. */
  release(): void;
  close(): Promise<void>;
}

/** The CLI's pack server over a temporary directory, behind a front that can misbehave. */
export async function startPackHost(): Promise<PackHost> {
  const dir = await mkdtemp(join(tmpdir(), 'inflow-packs-'));
  const upstream = await startPackServer({ dir, port: 0, host: '127.0.0.1' });
  let mode: Mode = { kind: 'pass' };
  const requests: PackHost['requests'] = [];
  const open = new Set<ServerResponse>();
  let onStall: (() => void) | null = null;
  let stallPromise = new Promise<void>((r) => {
    onStall = r;
  });
  let releaseStalled: (() => void)[] = [];

  const pass = (req: IncomingMessage, res: ServerResponse) => {
    const forward = httpRequest(
      upstream.url(req.url ?? '/'),
      { method: req.method, headers: { ...req.headers, host: `127.0.0.1:${upstream.port}` } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    forward.end();
  };

  const server: Server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    requests.push({
      ifNoneMatch: req.headers['if-none-match'] as string | undefined,
      at: Date.now(),
    });
    const current = mode;
    switch (current.kind) {
      case 'pass':
        return pass(req, res);
      case 'status':
        res.writeHead(current.status, { 'Content-Type': 'text/plain' });
        res.end('The server is having a bad day.\n');
        return;
      case 'hang':
        // Never answers; the connection is closed when the server closes.
        return;
      case 'huge': {
        // No Content-Length: the extension has to count the bytes as they come.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const write = () => {
          while (sent < current.bytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', write);
          }
          res.end();
        };
        res.on('error', () => {});
        write();
        return;
      }
      case 'stall': {
        void readFile(join(dir, PACK_FILE)).then((bytes) => {
          res.writeHead(200, {
            'Content-Type': 'application/json',
            'Content-Length': String(bytes.length),
          });
          res.write(bytes.subarray(0, current.firstBytes));
          releaseStalled.push(() => res.end(bytes.subarray(current.firstBytes)));
          onStall?.();
        });
        return;
      }
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/${PACK_FILE}`,
    async publish(body) {
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
      await writeFile(join(dir, PACK_FILE), text);
    },
    setMode(next) {
      mode = next;
      if (next.kind === 'stall') {
        stallPromise = new Promise<void>((r) => {
          onStall = r;
        });
      }
    },
    requests,
    stalled: () => stallPromise,
    release() {
      const pending = releaseStalled;
      releaseStalled = [];
      for (const finish of pending) finish();
    },
    async close() {
      for (const res of open) res.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The extension's options page, on "Sources & settings". */
export async function openOptions(
  context: BrowserContext,
  extensionId: string,
  page?: Page,
): Promise<Page> {
  const options = page ?? (await context.newPage());
  const url = `chrome-extension://${extensionId}/options.html#sources`;
  // Going to the URL the page is on changes nothing: load it again instead.
  if (options.url() === url) await options.reload();
  else await options.goto(url);
  await expect(
    options.getByRole('heading', { name: 'Sources & settings', level: 1 }),
  ).toBeVisible();
  await expect(options.getByRole('button', { name: 'Save settings' })).toBeVisible();
  return options;
}

/** One source's entry in the "Pack sources" list, by its host. */
export function sourceEntry(options: Page, url: string) {
  const host = new URL(url).host;
  return options
    .getByRole('region', { name: 'Pack sources' })
    .getByRole('listitem')
    .filter({ has: options.getByRole('heading', { name: host, exact: true }) });
}

/** Adds a source through the settings form, as a person would, and saves. */
export async function addSourceInOptions(options: Page, url: string, publicKey: string) {
  const form = options.getByRole('group', { name: 'Sources', exact: true });
  await form.getByRole('button', { name: 'Add a source' }).click();
  const urlBox = form.getByRole('textbox', { name: 'Source 1: pack address (URL)' });
  await expect(urlBox).toBeFocused();
  await urlBox.fill(url);
  await form.getByRole('textbox', { name: 'Source 1: public key (base64)' }).fill(publicKey);
  await options.getByRole('button', { name: 'Save settings' }).click();
}

/** Clicks "Sync now" and waits until the sync has answered. */
export async function syncNow(options: Page, timeout = 10_000) {
  const button = options.getByRole('button', { name: /^Sync(ing…| now)$/ });
  await button.click();
  await expect(options.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout });
}

/**
 * Where the store is read: the service worker, or any page of the extension (same origin,
 * same IndexedDB; both have `evaluate`).
 */
export type StoreReader = Worker | Page;

/** The installed version of the remote pack and the versions its aid rows carry. */
export async function storedVersions(from: StoreReader) {
  const sw = from as Worker;
  const [packs, aids] = await Promise.all([readStore(sw, 'packs'), readStore(sw, 'aids')]);
  const pack = packs.find((p) => p.id === REMOTE_PACK_ID);
  const rows = aids.filter((a) => a.packId === REMOTE_PACK_ID);
  return {
    pack: pack?.version as string | undefined,
    aids: rows.map((a) => a.packVersion as string),
    titles: rows.map((a) => (a.aid as { title: string }).title),
  };
}

/** [id, version] of every former version kept in packHistory. */
export async function packHistory(from: StoreReader): Promise<[string, string][]> {
  // Not one of the tables the shared helper's type lists; it reads any table by name.
  const rows = await readTable<{ id: string; version: string }>(
    from as Worker,
    'packHistory' as Table,
  );
  return rows.map((row) => [row.id, row.version]);
}

/** The store holds exactly one whole version of the remote pack; returns it. */
export async function expectOneVersion(from: StoreReader): Promise<string> {
  const v = await storedVersions(from);
  expect(v.pack, 'the pack row').toBeDefined();
  expect(v.aids, 'every aid row has the pack row’s version').toEqual([v.pack, v.pack]);
  expect(v.titles.sort()).toEqual([`Bills (${v.pack})`, REMOTE_TITLE].sort());
  return v.pack!;
}

/** The id Chromium gives an extension whose manifest has `key` (base64 DER public key). */
export function extensionIdOfKey(key: string): string {
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
}

/**
 * Stops the extension's service worker over CDP (ServiceWorker.stopWorker, or closing its
 * target), as Chromium does when it is idle; resolves once Chromium reports it stopped.
 */
export async function stopServiceWorker(
  context: BrowserContext,
  page: Page,
  extensionId: string,
): Promise<string> {
  const cdp = await context.newCDPSession(page);
  const prefix = `chrome-extension://${extensionId}/`;
  let version: { versionId: string; runningStatus: string; targetId?: string } | null = null;
  const waiters = new Set<() => void>();
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) {
      if (!v.scriptURL.startsWith(prefix)) continue;
      version = v;
      for (const w of waiters) w();
    }
  });
  const until = (test: () => boolean, timeout: number) =>
    new Promise<void>((ok, fail) => {
      if (test()) return ok();
      const timer = setTimeout(() => {
        waiters.delete(check);
        fail(new Error(`service worker status stayed ${version?.runningStatus ?? 'unknown'}`));
      }, timeout);
      const check = () => {
        if (!test()) return;
        clearTimeout(timer);
        waiters.delete(check);
        ok();
      };
      waiters.add(check);
    });
  try {
    await cdp.send('ServiceWorker.enable');
    await until(() => version !== null, 5_000);
    const v = version as unknown as { versionId: string; targetId?: string };
    try {
      await cdp.send('ServiceWorker.stopWorker', { versionId: v.versionId });
      await until(() => version?.runningStatus === 'stopped', 3_000);
      return 'ServiceWorker.stopWorker';
    } catch {
      if (!v.targetId) throw new Error('the service worker has no target to close');
      await cdp.send('Target.closeTarget', { targetId: v.targetId });
      await until(() => version?.runningStatus === 'stopped', 5_000);
      return 'Target.closeTarget';
    }
  } finally {
    await cdp.detach().catch(() => {});
  }
}
