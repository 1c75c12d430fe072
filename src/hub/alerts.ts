/**
 * Alerts: a target (a checklist step's, or a tip's own) is in alert on a UTC day when it was
 * missing for at least 2 people AND in more than half of the page views that showed the aid
 * that day. For a checklist those are its aid_shown events (its steps are looked for only
 * while it shows). A tip whose target is missing is never shown, so its page views are its
 * aid_shown events plus its target_missing events.
 *
 * After each ingest commits, the hub evaluates the (day, aid, target) keys of the new
 * target_missing events (only those can make the rule hold), off the request path and one
 * batch at a time. An alert is recorded once (the `alerts` primary key), and only the
 * evaluation that inserted it posts it to the webhook, if one is set. Nothing here can slow
 * or fail an ingest: failures are logged as one escaped line.
 */
import { sql } from 'kysely';
import { escapeControls } from '../aids/validate';
import type { HubEvent } from '../protocol/hub';
import type { HubDb } from './db/open';
import type { AlertsTable } from './db/schema';
import { utcDay } from './ingest';
import type { LogLine } from './log';
import { packNames } from './packs';
import { readSetting, shownUrl } from './settings';
import { type DeliveryOptions, postWebhook } from './webhook';

/** People for whom a target must be missing on a day for an alert. */
export const ALERT_MIN_PEOPLE = 2;

/** Where the hub's pages show the Health view, after the hub's address. */
export const HEALTH_VIEW_PATH = '/#/health';

export interface AlertKey {
  day: string;
  packId: string;
  aidKey: string;
  /** '' for a tip's own target. */
  stepId: string;
}

/** The distinct (day, aid, target) keys of the target_missing events among `events`. */
export function alertKeysOf(events: HubEvent[]): AlertKey[] {
  const keys = new Map<string, AlertKey>();
  for (const e of events) {
    if (e.type !== 'target_missing') continue;
    const key = { day: utcDay(e.at), packId: e.packId, aidKey: e.aidKey, stepId: e.stepId ?? '' };
    keys.set(JSON.stringify(Object.values(key)), key);
  }
  return [...keys.values()];
}

export type RaisedAlert = Omit<AlertsTable, 'raised_at' | 'delivered_at'> & { raised_at: Date };

/** Whether the rule holds for these counts of one day. */
export function inAlert(people: number, missing: number, views: number): boolean {
  return people >= ALERT_MIN_PEOPLE && missing * 2 > views;
}

/**
 * Evaluates the rule for each key and records the alerts that hold and were not recorded
 * yet; resolves to those newly recorded.
 */
export async function raiseAlerts(db: HubDb, keys: AlertKey[], now: Date): Promise<RaisedAlert[]> {
  const raised: RaisedAlert[] = [];
  for (const k of keys) {
    const same = { day: k.day, pack_id: k.packId, aid_key: k.aidKey } as const;
    const people = await db
      .selectFrom('daily_actors')
      .where('day', '=', same.day)
      .where('pack_id', '=', same.pack_id)
      .where('aid_key', '=', same.aid_key)
      .where('step_id', '=', k.stepId)
      .where('event_type', '=', 'target_missing')
      .select((eb) => eb.fn.count<number>('actor').distinct().as('n'))
      .executeTakeFirstOrThrow();
    if (people.n < ALERT_MIN_PEOPLE) continue;
    const counts = await db
      .selectFrom('daily_rollups')
      .where('day', '=', same.day)
      .where('pack_id', '=', same.pack_id)
      .where('aid_key', '=', same.aid_key)
      .where((eb) =>
        eb.or([
          eb.and([eb('event_type', '=', 'target_missing'), eb('step_id', '=', k.stepId)]),
          eb('event_type', '=', 'aid_shown'),
        ]),
      )
      .select([
        sql<number>`coalesce(sum(case when event_type = 'target_missing' then events end), 0)`.as(
          'missing',
        ),
        sql<number>`coalesce(sum(case when event_type = 'aid_shown' then events end), 0)`.as(
          'shown',
        ),
      ])
      .executeTakeFirstOrThrow();
    const missing = Number(counts.missing);
    const shown = Number(counts.shown);
    const views = k.stepId === '' ? shown + missing : shown;
    if (!inAlert(people.n, missing, views)) continue;
    const row = {
      ...same,
      step_id: k.stepId,
      people: people.n,
      missing,
      views,
      raised_at: now,
    };
    const inserted = await db
      .insertInto('alerts')
      .values(row)
      .onConflict((c) => c.doNothing())
      .returning('day')
      .executeTakeFirst();
    if (inserted) raised.push(row);
  }
  return raised;
}

/** Ids in a chat message: in a code span, so no mention or link can be made from them. */
const code = (id: string) => `\`${escapeControls(id).replace(/`/g, "'")}\``;
/** Slack's three characters; the others render them as typed. */
const chat = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** What the published packs call an alert's aid and step, when they name them. */
export interface AlertNames {
  aidTitle?: string;
  stepText?: string;
}

const NAME_MAX = 120;
const shortName = (text: string) =>
  text.length > NAME_MAX ? `${text.slice(0, NAME_MAX - 1)}…` : text;

/**
 * The webhook's text for an alert: the aid and step by their names when the published packs
 * give them (ids after, in brackets), else by ids. Names and ids go in code spans, so no
 * mention, link or formatting can be made from them. Counts from fewer than `minGroup`
 * people are not given.
 */
export function alertText(
  alert: RaisedAlert,
  minGroup: number,
  healthUrl: string | undefined,
  names: AlertNames = {},
) {
  const aid = code(shortName(names.aidTitle ?? alert.aid_key));
  const step = code(shortName(names.stepText ?? alert.step_id));
  const target =
    alert.step_id === '' ? `The target of ${aid}` : `The target of step ${step} of ${aid}`;
  const ids =
    names.aidTitle === undefined
      ? ''
      : ` (${code(alert.aid_key)}${alert.step_id === '' ? '' : `, step ${code(alert.step_id)}`})`;
  const counts =
    alert.people < minGroup
      ? `for fewer than ${minGroup} people, in more than half of the page views that showed the aid`
      : `for ${alert.people} people, in ${alert.missing} of ${alert.views} page views that showed the aid`;
  const link = healthUrl ? ` Health view: ${healthUrl}` : '';
  return chat(`Inflow alert: ${target}${ids} was missing on ${alert.day} ${counts}.${link}`);
}

/** The names of an alert's aid and step in the newest published version of its pack. */
async function namesOf(db: HubDb, alert: RaisedAlert): Promise<AlertNames> {
  const pack = (await packNames(db)).find((p) => p.id === alert.pack_id);
  const aid = pack?.aids.find((a) => a.key === alert.aid_key);
  if (!aid) return {};
  const step = aid.steps.find((s) => s.id === alert.step_id);
  return { aidTitle: aid.title, ...(step ? { stepText: step.text } : {}) };
}

export interface AlerterOptions {
  db: HubDb;
  minGroup: number;
  now: () => number;
  log?: LogLine;
  /** The hub's address when the `url` setting is not set (the address it listens on). */
  hubUrl?: () => string | undefined;
  delivery?: Partial<DeliveryOptions>;
}

export interface Alerter {
  /** Queues the evaluation of the keys a committed batch touched; returns at once. */
  afterIngest(added: HubEvent[]): void;
  /** Resolves once every queued evaluation and delivery is over (for tests and shutdown). */
  idle(): Promise<void>;
}

export function createAlerter(options: AlerterOptions): Alerter {
  const { db, log } = options;
  let queue: Promise<void> = Promise.resolve();
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    pending.add(p);
    p.finally(() => pending.delete(p));
  };

  async function deliver(alert: RaisedAlert) {
    const webhook = await readSetting(db, 'webhook');
    if (!webhook) return;
    const base = (await readSetting(db, 'url')) ?? options.hubUrl?.();
    const healthUrl = base ? `${base.replace(/\/+$/, '')}${HEALTH_VIEW_PATH}` : undefined;
    const text = alertText(alert, options.minGroup, healthUrl, await namesOf(db, alert));
    const result = await postWebhook(webhook, { text }, options.delivery);
    const what = `alert ${alert.day} ${alert.aid_key}${alert.step_id ? ` step ${alert.step_id}` : ''}`;
    if (!result.ok) {
      log?.(
        escapeControls(
          `webhook: ${what} not delivered to ${shownUrl(webhook)} after ${result.attempts} attempt(s): ${result.reason}`,
        ),
      );
      return;
    }
    await db
      .updateTable('alerts')
      .set({ delivered_at: new Date(options.now()) })
      .where('day', '=', alert.day)
      .where('aid_key', '=', alert.aid_key)
      .where('step_id', '=', alert.step_id)
      .execute();
  }

  return {
    afterIngest(added) {
      const keys = alertKeysOf(added);
      if (keys.length === 0) return;
      queue = queue.then(async () => {
        try {
          const raised = await raiseAlerts(db, keys, new Date(options.now()));
          for (const alert of raised) {
            track(
              deliver(alert).catch((e: Error) =>
                log?.(escapeControls(`webhook: delivery failed: ${e.message}`)),
              ),
            );
          }
        } catch (e) {
          log?.(escapeControls(`alerts: evaluation failed: ${(e as Error).message}`));
        }
      });
      track(queue);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
