/**
 * Touchpoint coverage in the background: which pages staff spend time on, with or without an
 * aid, for the organisation's hub. Off unless the policy names hosts (`touchpointHosts`) and
 * a hub is set (`hubUrl`, `hubToken`).
 *
 * The overlay of a top frame on those hosts tells the visible time of its page per route
 * template (`touchpoint.time`); this module adds it to the sums of the `touchpoints` table,
 * per UTC day (the background's clock), template and aided. Each upload seals the sums so far
 * into `touchpointOutbox`, each with an id of its own, and the uploader of outbox-upload.ts
 * sends them to `<hubUrl>/api/touchpoints` with the same back-off, retries and confirmations
 * as the hub's events; the hub counts each id once. The page never sees the store.
 */
import type { Table } from 'dexie';
import { urlOnHosts } from '../aids/route-template';
import type { Settings } from '../protocol/settings';
import {
  TOUCHPOINT_MAX_MS,
  TOUCHPOINT_MAX_VIEWS,
  TouchpointAggregate,
} from '../protocol/touchpoints';
import { getSetting, type InflowDb, type OutboxRow, type SealedTouchpoint } from './db';
import { type Destination, hubConfigured, postJsonToHub } from './outbox-upload';

export const TOUCHPOINT_ALARM = 'inflow-touchpoints';
/** Minutes between uploads of the sums: the time is summed in the browser that long. */
export const TOUCHPOINT_UPLOAD_MINUTES = 10;
export const HUB_TOUCHPOINTS_PATH = '/api/touchpoints';
/** Distinct (day, template, aided) sums kept at most; time on further pages is dropped. */
export const TOUCHPOINT_ROWS_LIMIT = 2_000;
/** Sealed sums waiting for the hub at most; the oldest are dropped beyond. */
export const TOUCHPOINT_QUEUE_LIMIT = 5_000;
const BATCH_SIZE = 200;

/** Whether touchpoints are measured: hosts named by policy, and a hub to send them to. */
export function touchpointsOn(settings: Settings): boolean {
  return settings.touchpointHosts.length > 0 && hubConfigured(settings);
}

/** Whether the overlay should measure the page at `url`. */
export function measuresUrl(settings: Settings, url: string): boolean {
  return touchpointsOn(settings) && urlOnHosts(url, settings.touchpointHosts);
}

/**
 * Whether touchpoints are measured; when they are not, forgets the sums and the queue:
 * nothing more is sent. The uploader's check before each run: it leaves where the overlay
 * measures to applyTouchpointSettings, so that a run of the upload never hides a change of
 * hosts from the registration that must follow it.
 */
export async function touchpointsAllowed(db: InflowDb, settings: Settings): Promise<boolean> {
  const on = touchpointsOn(settings);
  if (!on) {
    await db.transaction('rw', db.touchpoints, db.touchpointOutbox, async () => {
      await db.touchpoints.clear();
      await db.touchpointOutbox.clear();
    });
  }
  return on;
}

/**
 * Notes where touchpoints are measured, for the registration of the content script (the
 * only writer of `touchpointHostKeys`), and forgets the sums when measuring is off. Says
 * whether it is on and whether the hosts changed.
 */
export async function applyTouchpointSettings(
  db: InflowDb,
  settings: Settings,
): Promise<{ on: boolean; changed: boolean }> {
  const on = await touchpointsAllowed(db, settings);
  const keys = on ? [...new Set(settings.touchpointHosts.map((h) => h.toLowerCase()))].sort() : [];
  const changed = await db.transaction('rw', db.settings, async () => {
    const before = await getSetting(db, 'touchpointHostKeys', []);
    await db.settings.put({ key: 'touchpointHostKeys', value: keys });
    return before.join(' ') !== keys.join(' ');
  });
  return { on, changed };
}

/** The UTC calendar day of an instant, 'YYYY-MM-DD'. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface TouchpointTime {
  template: string;
  aided: boolean;
  ms: number;
  /** The first time told for this view of the page: counts one view. */
  view: boolean;
}

async function countDropped(db: InflowDb, n: number): Promise<void> {
  const before = await getSetting(db, 'touchpointDropped', 0);
  await db.settings.put({ key: 'touchpointDropped', value: before + n });
}

/**
 * Adds visible time (and a view) to today's sum for the template. False when the store is
 * full of other pages' sums and this one was dropped (and counted).
 */
export async function addTouchpointTime(
  db: InflowDb,
  time: TouchpointTime,
  now: number,
): Promise<boolean> {
  const key: [string, string, 0 | 1] = [utcDay(now), time.template, time.aided ? 1 : 0];
  return db.transaction('rw', db.touchpoints, db.settings, async () => {
    const row = await db.touchpoints.get(key);
    if (!row && (await db.touchpoints.count()) >= TOUCHPOINT_ROWS_LIMIT) {
      await countDropped(db, 1);
      return false;
    }
    await db.touchpoints.put({
      day: key[0],
      template: key[1],
      aided: key[2],
      ms: Math.min(TOUCHPOINT_MAX_MS, (row?.ms ?? 0) + Math.max(0, Math.round(time.ms))),
      views: Math.min(TOUCHPOINT_MAX_VIEWS, (row?.views ?? 0) + (time.view ? 1 : 0)),
    });
    return true;
  });
}

/**
 * Moves every sum so far into the queue for the hub, each with a new id, in one transaction:
 * time told after this starts new sums. Beyond the queue's bound the oldest are dropped and
 * counted.
 */
export async function sealTouchpoints(db: InflowDb): Promise<number> {
  return db.transaction('rw', db.touchpoints, db.touchpointOutbox, db.settings, async () => {
    const rows = (await db.touchpoints.toArray()).filter((r) => r.ms > 0 || r.views > 0);
    await db.touchpoints.clear();
    if (!rows.length) return 0;
    const last = await db.touchpointOutbox.orderBy('seq').last();
    let seq = (last?.seq ?? 0) + 1;
    const sealed: OutboxRow<SealedTouchpoint>[] = rows.map((r) => {
      const id = crypto.randomUUID();
      return {
        id,
        seq: seq++,
        event: {
          id,
          day: r.day,
          template: r.template,
          aided: r.aided === 1,
          ms: r.ms,
          views: r.views,
        },
      };
    });
    await db.touchpointOutbox.bulkPut(sealed);
    const over = (await db.touchpointOutbox.count()) - TOUCHPOINT_QUEUE_LIMIT;
    if (over > 0) {
      const oldest = await db.touchpointOutbox.orderBy('seq').limit(over).primaryKeys();
      await db.touchpointOutbox.bulkDelete(oldest);
      await countDropped(db, over);
    }
    return sealed.length;
  });
}

/** The hub's touchpoints: sealed sums, with the pseudonymous actor, team and role. */
export const touchpointDestination: Destination = {
  name: 'touchpoints',
  queue: (db) => db.touchpointOutbox as Table<OutboxRow<SealedTouchpoint>, string>,
  keys: { state: 'touchpointState', refused: 'touchpointRefused' },
  batchSize: BATCH_SIZE,
  apply: touchpointsAllowed,
  prepare: async (db) => {
    await sealTouchpoints(db);
  },
  encoder: (settings, ctx) => (row: OutboxRow<SealedTouchpoint>) => {
    const out: TouchpointAggregate = { ...row.event, actor: ctx.actorName };
    if (settings.team) out.team = settings.team;
    if (settings.role) out.role = settings.role;
    return out;
  },
  invalid: (item) => {
    const result = TouchpointAggregate.safeParse(item);
    if (result.success) return null;
    return result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || 'touchpoint'}: ${i.message}`)
      .join('; ');
  },
  post: (fetch, settings, items) =>
    postJsonToHub(fetch, settings, HUB_TOUCHPOINTS_PATH, { touchpoints: items }),
};
