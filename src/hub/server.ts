/**
 * `startHub`: opens the database (migrating it), prunes old events, bundles the hub's page
 * (./web-assets.ts), and serves the hub's app over HTTP with @hono/node-server. Pruning runs
 * again once a day while it runs; on PGlite, vacuum and checkpoints every few minutes
 * (./maintenance.ts), which a PostgreSQL server does for itself.
 */

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createHubApp, type HubAppOptions, type HubLimits } from './app';
import { type DatabaseTarget, type HubDb, isEmbedded, openDatabase } from './db/open';
import type { LogLine } from './log';
import { MAINTAIN_EVERY_MS, maintain, upkeepSummary } from './maintenance';
import { pruneEvents } from './retention';
import { pruneSessions } from './sessions';
import { pruneTouchpointIds } from './touchpoints';
import { webAssets } from './web-assets';

const DAY_MS = 24 * 60 * 60 * 1000;
const ALERTS_GRACE_MS = 2000;
/** PGlite's first upkeep (./maintenance.ts), once the hub has started answering. */
const FIRST_UPKEEP_MS = 60_000;

export type HubOptions = DatabaseTarget & {
  /** 0 picks a free port. Default 8788. */
  port?: number;
  /** Default 127.0.0.1: put a TLS proxy in front to serve other machines. */
  host?: string;
  limits?: Partial<HubLimits>;
  log?: LogLine;
} & Pick<HubAppOptions, 'secureCookie' | 'trustProxy' | 'minGroup'>;

export interface Hub {
  port: number;
  url(path?: string): string;
  db: HubDb;
  close(): Promise<void>;
}

export async function startHub(options: HubOptions): Promise<Hub> {
  const db = await openDatabase(options);
  const prune = () =>
    Promise.all([
      pruneEvents(db).then(
        (n) => n > 0 && options.log?.(`pruned ${n} events older than the retention`),
      ),
      pruneSessions(db, new Date()).then(
        (n) => n > 0 && options.log?.(`pruned ${n} expired sessions`),
      ),
      pruneTouchpointIds(db).then(
        (n) => n > 0 && options.log?.(`pruned ${n} touchpoint ids older than the retention`),
      ),
    ]).catch((e: Error) => options.log?.(`pruning failed: ${e.message}`));
  await prune();
  const timer = setInterval(prune, DAY_MS);
  timer.unref();
  // One run at a time: a vacuum of a large table may outlast the interval. The first, a
  // minute after the start, vacuums everything: PGlite forgot its statistics when it closed.
  let maintaining: Promise<unknown> | null = null;
  let upkeeps = 0;
  const upkeep = () => {
    maintaining ??= maintain(db, { all: upkeeps++ === 0 })
      .then(
        (m) => m.vacuumed.length + m.analyzed.length > 0 && options.log?.(upkeepSummary(m)),
        (e: Error) => options.log?.(`database upkeep failed: ${e.message}`),
      )
      .finally(() => {
        maintaining = null;
      });
  };
  const upkeepTimers = isEmbedded(db)
    ? [setTimeout(upkeep, FIRST_UPKEEP_MS), setInterval(upkeep, MAINTAIN_EVERY_MS)]
    : [];
  for (const t of upkeepTimers) t.unref();
  const stopTimers = () => {
    clearInterval(timer);
    for (const t of upkeepTimers) clearTimeout(t);
  };

  // The address it listens on, for alert links when the `url` setting is not set.
  let listening: string | undefined;
  const app = createHubApp({
    db,
    alerts: { hubUrl: () => listening },
    limits: options.limits,
    log: options.log,
    secureCookie: options.secureCookie,
    trustProxy: options.trustProxy,
    minGroup: options.minGroup,
  });
  const host = options.host ?? '127.0.0.1';
  let server: ReturnType<typeof serve>;
  try {
    // The page is bundled now: a bundle that cannot be built stops the start, not a page view.
    await webAssets();
    server = await new Promise<ReturnType<typeof serve>>((done, fail) => {
      const s = serve({ fetch: app.fetch, port: options.port ?? 8788, hostname: host }, () =>
        done(s),
      );
      s.once('error', fail);
    });
  } catch (e) {
    stopTimers();
    await db.destroy();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = (path = '') => `http://${urlHost}:${port}/${path.replace(/^\/+/, '')}`;
  listening = url().replace(/\/$/, '');
  return {
    port,
    db,
    url,
    async close() {
      stopTimers();
      await new Promise<void>((done) => {
        server.close(() => done());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      // What the last uploads left pending is folded now rather than at the next start.
      await app.folder.idle().catch(() => undefined);
      // Alerts being evaluated or posted get a moment to finish; a webhook still retrying
      // after that is abandoned (its alert stays in the Health view, not delivered).
      await Promise.race([
        app.alerter.idle(),
        new Promise((done) => setTimeout(done, ALERTS_GRACE_MS).unref()),
      ]);
      await maintaining;
      await db.destroy();
    },
  };
}
