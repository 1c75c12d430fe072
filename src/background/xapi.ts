/**
 * xAPI 1.0.3 statements from recorded events (pure: no I/O). docs/privacy.md lists what a
 * statement holds and why each verb was chosen; keep the two in step.
 *
 * The statement id is the event's id, fixed when the event was recorded: sending a statement
 * again (a retry, a worker stopped mid-upload) can never make a Learning Record Store count
 * the same action twice.
 */
import type { EventType, StoredEvent } from '../protocol/messages';

type EventKind = (typeof EventType.options)[number];

/** Used as the actor's account home page when the manifest states no homepage. */
export const DEFAULT_HOME_PAGE = 'urn:inflow';
/** Prefix of every activity id. */
export const ACTIVITY_PREFIX = 'urn:inflow:aid:';
/** Context extension that holds the pack version. */
export const EXT_PACK_VERSION = 'urn:inflow:extension:pack-version';
/** Result extension that holds how a step was done ("auto" or "manual"). */
export const EXT_HOW = 'urn:inflow:extension:how';
/** Fixed, public salt of the actor name hash: an organisation can compute it too. */
export const ACTOR_SALT = 'inflow-actor-v1:';

export interface Verb {
  id: string;
  display: { 'en-US': string };
}

const verb = (id: string, display: string): Verb => ({ id, display: { 'en-US': display } });

/**
 * The verb of each exported event type. target_missing and target_healed are diagnostics
 * about the web app's page, not something a person did: they stay local.
 */
export const VERBS: Partial<Record<EventKind, Verb>> = {
  aid_shown: verb('http://adlnet.gov/expapi/verbs/experienced', 'experienced'),
  step_done: verb('http://adlnet.gov/expapi/verbs/completed', 'completed'),
  checklist_completed: verb('http://adlnet.gov/expapi/verbs/completed', 'completed'),
  step_skipped: verb('http://id.tincanapi.com/verb/skipped', 'skipped'),
  step_undone: verb('urn:inflow:verb:undid', 'undid'),
  aid_dismissed: verb('http://activitystrea.ms/schema/1.0/close', 'closed'),
  tip_opened: verb('http://adlnet.gov/expapi/verbs/interacted', 'interacted'),
  // Staff's report that the aid is wrong or out of date; the comment is the response.
  aid_feedback: verb('http://adlnet.gov/expapi/verbs/commented', 'commented'),
};

/** Whether events of this type are sent to the LRS at all. */
export function isExported(type: EventKind): boolean {
  return VERBS[type] !== undefined;
}

export const ACTIVITY_TYPES = {
  aid: 'http://adlnet.gov/expapi/activities/module',
  step: 'http://adlnet.gov/expapi/activities/interaction',
} as const;

export interface StatementContext {
  /** The actor's account home page: the extension's stated homepage, or DEFAULT_HOME_PAGE. */
  homePage: string;
  /** The pseudonymous account name (see actorName). */
  actorName: string;
}

export interface Activity {
  objectType: 'Activity';
  id: string;
  definition: { name: { 'en-US': string }; type: string };
}

export interface Statement {
  id: string;
  timestamp: string;
  actor: { objectType: 'Agent'; account: { homePage: string; name: string } };
  verb: Verb;
  object: Activity;
  context: {
    platform: string;
    contextActivities?: { parent: Activity[] };
    extensions: Record<string, string>;
  };
  result?: {
    completion?: boolean;
    response?: string;
    /** ISO 8601 duration (xAPI: precision 0.01 s), e.g. "PT3M20.5S". */
    duration?: string;
    extensions?: Record<string, string>;
  };
}

const part = (s: string) => encodeURIComponent(s);

/**
 * A duration in ms as ISO 8601 for xAPI's `result.duration`: hours, minutes and seconds to
 * 0.01 s ("PT0S", "PT45.2S", "PT3M20S", "PT50H1M"). Hours are not carried into days, whose
 * length ISO 8601 leaves to the calendar.
 */
export function isoDuration(ms: number): string {
  const centis = Math.round(Math.max(0, ms) / 10);
  const h = Math.floor(centis / 360_000);
  const min = Math.floor((centis % 360_000) / 6000);
  const sec = (centis % 6000) / 100;
  let out = 'PT';
  if (h) out += `${h}H`;
  if (min) out += `${min}M`;
  if (sec || out === 'PT') out += `${sec}S`;
  return out;
}

/** `urn:inflow:aid:<packId>/<aidId>`, with `#<stepId>` for a step. */
export function activityId(packId: string, aidId: string, stepId?: string): string {
  const aid = `${ACTIVITY_PREFIX}${part(packId)}/${part(aidId)}`;
  return stepId === undefined ? aid : `${aid}#${part(stepId)}`;
}

function aidActivity(event: StoredEvent): Activity {
  return {
    objectType: 'Activity',
    id: activityId(event.packId, event.aidId),
    definition: { name: { 'en-US': event.aidId }, type: ACTIVITY_TYPES.aid },
  };
}

/** The statement for one event; throws for an event type that is not exported. */
export function toStatement(event: StoredEvent, ctx: StatementContext): Statement {
  const v = VERBS[event.type];
  if (!v) throw new Error(`events of type ${event.type} are not exported`);
  const aid = aidActivity(event);
  // Feedback may be about one step of a checklist; then, like a step event, the step is the
  // object and its checklist the parent.
  const isStep =
    event.stepId !== undefined && (event.type.startsWith('step_') || event.type === 'aid_feedback');
  const object: Activity = isStep
    ? {
        objectType: 'Activity',
        id: activityId(event.packId, event.aidId, event.stepId),
        definition: { name: { 'en-US': event.stepId! }, type: ACTIVITY_TYPES.step },
      }
    : aid;
  const statement: Statement = {
    id: event.id,
    timestamp: new Date(event.at).toISOString(),
    actor: {
      objectType: 'Agent',
      account: { homePage: ctx.homePage, name: ctx.actorName },
    },
    verb: v,
    object,
    context: {
      platform: 'Inflow',
      extensions: { [EXT_PACK_VERSION]: event.packVersion },
    },
  };
  if (isStep) statement.context.contextActivities = { parent: [aid] };
  switch (event.type) {
    case 'step_done':
      statement.result = { completion: true };
      if (event.how) statement.result.extensions = { [EXT_HOW]: event.how };
      break;
    case 'checklist_completed':
      statement.result = { completion: true };
      if (event.ms !== undefined) statement.result.duration = isoDuration(event.ms);
      break;
    case 'step_skipped':
      statement.result = { completion: false };
      if (event.reason) statement.result.response = event.reason;
      break;
    case 'aid_feedback':
      if (event.comment) statement.result = { response: event.comment };
      break;
  }
  return statement;
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The actor's account name: the SHA-256 (hex) of ACTOR_SALT + actorId, always, so that an
 * e-mail address or staff number set as actorId never leaves the browser as such. An
 * organisation that knows a person's actorId can compute the same hash to join the data.
 * `fallbackId` (a random id kept per browser profile) stands in when actorId is empty.
 */
export async function actorName(actorId: string, fallbackId: string): Promise<string> {
  const source = actorId.trim() || `anonymous:${fallbackId}`;
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(`${ACTOR_SALT}${source}`),
  );
  return hex(digest);
}

/** The statements resource of an LRS endpoint (`…/statements`, added when missing). */
export function statementsUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return /\/statements$/.test(base) ? base : `${base}/statements`;
}
