/**
 * Demo data for `npm start`: two simulated colleagues who used the sample CRM's aids over
 * the last days, so the fleet views have more than one person to show. Their events go
 * through the same ingest as a browser's (exactly once, rollups in the same transaction),
 * from a device of their own named DEMO_DEVICE, and the hub remembers that it holds demo
 * data (`demoData`), which its pages say on every view.
 *
 * Never run against a real hub: the command line has no way to call this.
 */
import { createHash } from 'node:crypto';
import type { HubEvent } from '../protocol/hub';
import type { HubDb } from './db/open';
import { createDevice } from './devices';
import { ingestBatch } from './ingest';

/** The name of the device the simulated colleagues' events come from. */
export const DEMO_DEVICE = 'Demo data: two simulated colleagues';
const DEMO_KEY = 'demo_data';

const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60 * 1000;

/** The bundled CRM pack's ids (aids/crm/pack.json), as the extension records them. */
const PACK = 'northwind-crm';
const VERSION = '1.0.0';
const NEW_CONTACT = `${PACK}/new-contact`;

interface Colleague {
  name: string;
  team: string;
  role: string;
  skipReason: string;
  /** This colleague's "channel" step target was missing once (a release moved the field). */
  missedChannel: boolean;
}

const COLLEAGUES: Colleague[] = [
  {
    name: 'colleague-1',
    team: 'care',
    role: 'agent',
    skipReason: 'Customer will decide by email',
    missedChannel: false,
  },
  {
    name: 'colleague-2',
    team: 'care',
    role: 'agent',
    skipReason: 'Caller was in a hurry',
    missedChannel: true,
  },
];

/** A pseudonymous actor shaped like the extension's (a SHA-256 in hex). */
function actorOf(name: string): string {
  return createHash('sha256').update(`inflow-demo:${name}`).digest('hex');
}

/** The events of one colleague filling in "New contact" once, starting at `start`. */
function newContactRun(c: Colleague, crmOrigin: string, start: number, n: number): HubEvent[] {
  const url = `${crmOrigin}/contacts/new`;
  let t = start;
  const events: HubEvent[] = [];
  const add = (e: Partial<HubEvent> & Pick<HubEvent, 'type'>) => {
    t += 20_000;
    events.push({
      id: `demo-${c.name}-${n}-${events.length}`,
      aidKey: NEW_CONTACT,
      aidId: 'new-contact',
      packId: PACK,
      packVersion: VERSION,
      url,
      at: t,
      recordedAt: t,
      actor: actorOf(c.name),
      team: c.team,
      role: c.role,
      ...e,
    });
  };
  add({ type: 'aid_shown' });
  add({ type: 'step_done', stepId: 'identity', how: 'manual' });
  add({ type: 'step_done', stepId: 'email', how: 'auto' });
  add({ type: 'step_skipped', stepId: 'consent', reason: c.skipReason });
  if (c.missedChannel && n === 0) {
    add({ type: 'target_missing', stepId: 'channel', failedSignals: ['css', 'label'] });
    add({
      type: 'aid_feedback',
      comment: 'The channel step could not find the field after the update.',
    });
    return events;
  }
  add({ type: 'step_done', stepId: 'channel', how: 'auto' });
  add({ type: 'step_done', stepId: 'save', how: 'auto' });
  add({ type: 'checklist_completed' });
  // The run's time, as the extension measures it: from the first step to the completion.
  const completed = events.at(-1)!;
  completed.ms = completed.at - events.find((e) => e.stepId !== undefined)!.at;
  return events;
}

/** Every demo event, spread over the three days before `now`. */
export function demoEvents(crmOrigin: string, now: number): HubEvent[] {
  const events: HubEvent[] = [];
  COLLEAGUES.forEach((c, i) => {
    for (let n = 0; n < 3; n++) {
      const start = now - (3 - n) * DAY + (9 * 60 + 30 * i) * MINUTE;
      events.push(...newContactRun(c, crmOrigin, start - (start % MINUTE), n));
    }
  });
  return events;
}

/**
 * Adds the simulated colleagues' events (once: a second call adds nothing) and marks the hub
 * as holding demo data. Returns how many events were new.
 */
export async function seedDemoColleagues(
  db: HubDb,
  crmOrigin: string,
  now = Date.now(),
): Promise<number> {
  const existing = await db
    .selectFrom('devices')
    .select('id')
    .where('name', '=', DEMO_DEVICE)
    .executeTakeFirst();
  const deviceId = existing?.id ?? (await createDevice(db, DEMO_DEVICE)).device.id;
  await db
    .insertInto('settings')
    .values({ key: DEMO_KEY, value: DEMO_DEVICE })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const answer = await ingestBatch(db, {
    deviceId,
    events: demoEvents(crmOrigin, now),
    now: new Date(now),
  });
  return answer.accepted;
}

/** What the hub's pages say about demo data: null on a hub that holds none. */
export async function demoDataNote(db: HubDb): Promise<string | null> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', DEMO_KEY)
    .executeTakeFirst();
  return row ? row.value : null;
}
