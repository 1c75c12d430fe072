/**
 * The background's answer to every runtime message. One plain async function: it validates
 * the message against the contract (src/protocol/messages.ts), checks who sent it, and
 * returns the response or `{ error }`. It never throws, so the caller can hand its promise
 * straight back to runtime.onMessage.
 */

import { addressesFrames } from '../aids/targets';
import { testUrlPattern } from '../aids/url-match';
import { problemsOf } from '../aids/validate';
import { chunkFile } from '../protocol/chunks';
import {
  type ActiveAid,
  type BackgroundRequest,
  BackgroundRequest as BackgroundRequestSchema,
  type BackgroundResponses,
  type ErrorResponse,
  type FrameLookupResponse,
  type SourceStatus,
} from '../protocol/messages';
import type { SettingKey } from '../protocol/settings';
import { type AuthoringRequest, answerAuthoring, previewAids } from './authoring';
import { getSetting, type InflowDb, setSetting, withReopen } from './db';
import { hasHelp, helpEntries } from './help';
import { answerInsights, type InsightsRequest } from './insights';
import { framedSteps, lookup, panelCompact, setPanelCompact, type Viewer } from './lookup';
import { exportStatus, hubStatus } from './outbox-upload';
import { leaveRun, RecordError, recordEvent, resetProgress, startRuns } from './recorder';
import { refreshOverlays, type ScriptingApi } from './registration';
import {
  type ManagedArea,
  resolveSettings,
  SettingRefused,
  setLocalSetting,
  viewerOf,
} from './settings';
import { sourceStatuses, syncAll } from './sync';
import { addTouchpointTime, measuresUrl } from './touchpoints';

/** What the router needs to know about a message's sender (a subset of MessageSender). */
export interface Sender {
  id?: string;
  url?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

/** A sender that is a content script in a sub-frame of a tab, with what that implies. */
interface FrameSender extends Sender {
  tab: { id: number; url: string };
  frameId: number;
}

export interface RouterDeps {
  db: InflowDb;
  runtime: { id: string; getURL(path: '/'): string };
  tabs: {
    query(query: Record<string, never>): Promise<{ id?: number; url?: string }[]>;
    sendMessage(tabId: number, message: unknown, options?: { frameId?: number }): Promise<unknown>;
  };
  now?: () => number;
  /** The browser's UI language, used when no locale is set. */
  locale?: string;
  /** The organisation's policy (storage.managed); null for none. Default: the browser's. */
  managed?: ManagedArea | null;
  /** Runs a sync of the pack sources (or joins one) and returns their statuses. */
  syncNow?: () => Promise<SourceStatus[]>;
  /** Told after a setting was changed in the options page. */
  settingsChanged?: (keys: SettingKey[]) => void | Promise<void>;
  /**
   * Runs the overlay in a tab that does not have it (an author's preview), and the
   * regular-expression engine or a kind's chunk in a frame that asks for it.
   */
  scripting?: Pick<ScriptingApi, 'executeScript'>;
  /**
   * Told after authoring changed the installed aids, once they are written: registers the
   * overlay for the hosts they need. Open pages are refreshed by the caller.
   */
  aidsChanged?: () => Promise<void>;
  /** Told after a site was paused or resumed, or the compact panel chosen (first-paint.ts). */
  firstPaintSettings?: () => Promise<void>;
}

type Response = BackgroundResponses[keyof BackgroundResponses] | ErrorResponse;

const isHttp = (url: string | undefined): boolean => !!url && /^https?:\/\//i.test(url);
/** Frames without a URL of their own, which take their parent's origin. */
const isLocalFrame = (url: string | undefined): boolean =>
  !!url && /^about:(blank|srcdoc)([?#]|$)/i.test(url);

/**
 * A content script of this extension, running in an http(s) page of a tab, or in an
 * about:blank or srcdoc frame of such a page.
 */
export function isContentScript(sender: Sender, deps: RouterDeps): boolean {
  if (sender.id !== deps.runtime.id || !sender.tab) return false;
  const url = sender.url ?? sender.tab.url;
  if (isHttp(url)) return true;
  return !!sender.frameId && isLocalFrame(url) && isHttp(sender.tab.url);
}

/** A content script of this extension in a sub-frame (not the top frame) of an http(s) tab. */
export function isSubFrame(sender: Sender, deps: RouterDeps): sender is FrameSender {
  return (
    isContentScript(sender, deps) &&
    typeof sender.tab?.id === 'number' &&
    isHttp(sender.tab.url) &&
    typeof sender.frameId === 'number' &&
    sender.frameId > 0
  );
}

/** The content script of the top frame of an http(s) tab. */
function isTopFrame(sender: Sender, deps: RouterDeps): boolean {
  return (
    isContentScript(sender, deps) &&
    typeof sender.tab?.id === 'number' &&
    sender.frameId === 0 &&
    isHttp(sender.url ?? sender.tab.url)
  );
}

/** A page of this extension (popup, options). */
export function isExtensionPage(sender: Sender, deps: RouterDeps): boolean {
  if (sender.id !== deps.runtime.id) return false;
  return !!sender.url?.startsWith(deps.runtime.getURL('/'));
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

async function isPaused(db: InflowDb, host: string): Promise<boolean> {
  if (!host) return false;
  return (await getSetting(db, 'pausedHosts', [])).includes(host);
}

function settingsOf(deps: RouterDeps) {
  return resolveSettings({ db: deps.db, managed: deps.managed });
}

/** Who is looking: role, team and locale as resolved (policy, then the options page). */
async function viewerOfDeps(deps: RouterDeps): Promise<Viewer> {
  return viewerOf((await settingsOf(deps)).values, deps.locale);
}

async function syncNow(deps: RouterDeps): Promise<SourceStatus[]> {
  if (deps.syncNow) return deps.syncNow();
  const { values } = await settingsOf(deps);
  return (await syncAll({ db: deps.db, fetch: globalThis.fetch.bind(globalThis) }, values)).sources;
}

async function setPaused(deps: RouterDeps, host: string, paused: boolean): Promise<void> {
  const { db } = deps;
  await db.transaction('rw', db.settings, async () => {
    const hosts = new Set(await getSetting(db, 'pausedHosts', []));
    if (paused) hosts.add(host);
    else hosts.delete(host);
    await setSetting(db, 'pausedHosts', [...hosts].sort());
  });
  // Before the open pages look up again: a page must not show the aids of a paused site.
  await deps.firstPaintSettings?.();
  await refreshOverlays(deps.tabs, (url) => hostOf(url) === host);
}

/**
 * The aids of a page: the published ones, with the drafts an author previews in this tab
 * in place of (or next to) them.
 */
async function pageAids(deps: RouterDeps, url: string, tabId: number | undefined) {
  const published = await lookup(deps.db, url, await viewerOfDeps(deps));
  const previews = await previewAids(deps.db, tabId, url);
  if (!previews.length) return published;
  const previewed = new Set(previews.map((a) => a.key));
  return [...published.filter((a) => !previewed.has(a.key)), ...previews] as ActiveAid[];
}

/**
 * A sub-frame's lookup, answered from the sender alone: the aids of the tab's top page that
 * address a target to a frame, and the aids of the frame's own page.
 */
async function frameLookup(deps: RouterDeps, sender: FrameSender): Promise<FrameLookupResponse> {
  const top = sender.tab.url;
  const none = { paused: false, url: top, framed: [], own: [] };
  if (await isPaused(deps.db, hostOf(top))) return { ...none, paused: true };
  const framed = (await pageAids(deps, top, sender.tab.id)).filter((a) => addressesFrames(a.aid));
  const own =
    isHttp(sender.url) && !(await isPaused(deps.db, hostOf(sender.url!)))
      ? await pageAids(deps, sender.url!, sender.tab.id)
      : [];
  return { ...none, framed, own };
}

type FrameStepsRequest = Extract<BackgroundRequest, { type: 'frame.steps' }>;

/**
 * Why a sub-frame may not report these step states, or null if it may: the aid must be one
 * that the lookup of the tab's top page gives (so also not paused), each step must be
 * addressed to a frame, and a frame named by URL must be the sender's.
 */
async function refuseFrameSteps(
  deps: RouterDeps,
  sender: FrameSender,
  request: FrameStepsRequest,
): Promise<string | null> {
  const { aidKey } = request;
  if (await isPaused(deps.db, hostOf(sender.tab.url))) return 'the site is paused';
  const active = (await pageAids(deps, sender.tab.url, sender.tab.id)).find(
    (a) => a.key === aidKey,
  );
  if (!active) return `aid "${aidKey}" does not apply to the page of this tab`;
  const steps = framedSteps(active.aid);
  for (const { stepId } of request.steps) {
    const refs = steps.get(stepId);
    if (!refs) return `step "${stepId}" of aid "${aidKey}" is not addressed to a frame`;
    // A frame named by URL pattern only: the sender's page must match it.
    const fits = refs.some((r) => !r.url || (!!sender.url && testUrlPattern(r.url, sender.url)));
    if (!fits) return `step "${stepId}" of aid "${aidKey}" is in another frame`;
  }
  return null;
}

/** The regular-expression engine (entrypoints/regex.ts), relative to the extension root. */
export const REGEX_SCRIPT_FILE = 'regex.js';

/**
 * Runs one of the extension's own scripts in the sender's frame, and only there: the tab and
 * frame come from the browser's account of the sender, never from the message, and the file
 * is one the caller chose from a fixed list (the regular-expression engine, a kind's chunk).
 */
async function injectIntoSender(
  deps: RouterDeps,
  sender: Sender,
  what: BackgroundRequest['type'],
  file: string,
): Promise<Response> {
  const tabId = sender.tab?.id;
  const frameId = sender.frameId;
  if (typeof tabId !== 'number' || typeof frameId !== 'number') {
    return { error: `${what}: refused, the sender is not a frame of a tab` };
  }
  if (!deps.scripting) return { error: `${what}: this browser cannot run scripts in tabs` };
  // The frame asks while its page is still parsing (the overlay starts at document_start):
  // by default the browser would hold the script until the page is idle, after its load,
  // and the first aid with it.
  await deps.scripting.executeScript({
    target: { tabId, frameIds: [frameId] },
    files: [file],
    injectImmediately: true,
  });
  return { ok: true };
}

/** Hands a message to the overlay of the tab's top frame; false when none took it. */
async function toTopFrame(deps: RouterDeps, tabId: number, message: unknown): Promise<boolean> {
  return deps.tabs
    .sendMessage(tabId, message, { frameId: 0 })
    .then((answer) => answer !== undefined)
    .catch(() => false);
}

async function answer(
  request: BackgroundRequest,
  sender: Sender,
  deps: RouterDeps,
): Promise<Response> {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  if (request.type.startsWith('authoring.')) {
    return answerAuthoring(request as AuthoringRequest, deps);
  }
  if (request.type.startsWith('insights.')) {
    return answerInsights(request as InsightsRequest, deps);
  }
  switch (request.type) {
    case 'page.lookup': {
      if (!isHttp(request.url)) return { paused: false, aids: [] };
      if (await isPaused(db, hostOf(request.url))) return { paused: true, aids: [] };
      const [aids, compact, settings] = await Promise.all([
        pageAids(deps, request.url, sender.tab?.id),
        panelCompact(db),
        settingsOf(deps),
      ]);
      const top = sender.frameId === 0;
      // Touchpoints are measured in the top frame only, on the hosts policy names.
      const measure = top && measuresUrl(settings.values, request.url);
      // The help panel's shortcut, where its list has something for this person.
      const shortcut = settings.values.helpShortcut;
      const help =
        top && shortcut && (await hasHelp(db, request.url, viewerOf(settings.values, deps.locale)));
      return {
        paused: false,
        aids: await startRuns(db, aids, request.url, !!request.reload, now()),
        compact,
        ...(measure ? { touchpoints: true } : {}),
        ...(help ? { help: shortcut } : {}),
      };
    }
    case 'page.loadRegex':
      return injectIntoSender(deps, sender, request.type, REGEX_SCRIPT_FILE);
    case 'help.list': {
      // The page the browser says the sender shows, never one the message names.
      const url = sender.url ?? sender.tab?.url ?? '';
      if (!isHttp(url)) return { paused: false, entries: [] };
      if (await isPaused(db, hostOf(url))) return { paused: true, entries: [] };
      return { paused: false, entries: await helpEntries(db, url, await viewerOfDeps(deps)) };
    }
    case 'page.loadChunk':
      // The zod contract admits only the chunks this build has (src/protocol/chunks.ts).
      return injectIntoSender(deps, sender, request.type, chunkFile(request.chunk));
    case 'frame.lookup':
      return frameLookup(deps, sender as FrameSender);
    case 'frame.steps': {
      const from = sender as FrameSender;
      const refused = await refuseFrameSteps(deps, from, request);
      if (refused) return { error: `frame.steps: refused, ${refused}` };
      const { aidKey, steps } = request;
      const message = { type: 'overlay.frameSteps', frameId: from.frameId, aidKey, steps };
      return { ok: true, delivered: await toTopFrame(deps, from.tab.id, message) };
    }
    case 'frame.gone': {
      const from = sender as FrameSender;
      await toTopFrame(deps, from.tab.id, { type: 'overlay.frameGone', frameId: from.frameId });
      return { ok: true };
    }
    case 'frame.resync': {
      // Every frame of the tab; the top frame ignores it. Nobody answers: do not wait.
      void Promise.resolve(
        deps.tabs.sendMessage(sender.tab!.id!, { type: 'overlay.frameResync' }),
      ).catch(() => {});
      return { ok: true };
    }
    case 'event.record': {
      const event = await recordEvent(db, request.event, now());
      return { ok: true, id: event.id };
    }
    case 'progress.reset':
      await resetProgress(db, request.aidKey);
      return { ok: true };
    case 'progress.leave':
      await leaveRun(db, request.aidKey, request.at, now());
      return { ok: true };
    case 'panel.setCompact':
      await setPanelCompact(db, request.compact);
      await deps.firstPaintSettings?.();
      return { ok: true };
    case 'touchpoint.time': {
      // The template's own host must be one the policy names. Not compared with the sender's
      // tab: a page tells its last time on pagehide, when the tab is already on the next page.
      const { values } = await settingsOf(deps);
      if (!measuresUrl(values, request.template)) return { ok: true, counted: false };
      const counted = await addTouchpointTime(db, request, now());
      return { ok: true, counted };
    }
    case 'site.status':
      return { paused: await isPaused(db, normalizeHost(request.host)) };
    case 'site.setPaused': {
      const host = normalizeHost(request.host);
      if (!host) return { error: 'site.setPaused: host must not be empty' };
      await setPaused(deps, host, request.paused);
      return { ok: true };
    }
    case 'sync.now':
      return { sources: await syncNow(deps) };
    case 'sync.status':
      return { sources: await sourceStatuses(db, (await settingsOf(deps)).values) };
    case 'settings.get':
      return settingsOf(deps);
    case 'settings.set':
      await setLocalSetting(request.key, request.value, { db, managed: deps.managed });
      await deps.settingsChanged?.([request.key]);
      return settingsOf(deps);
    case 'export.status': {
      // The analytics endpoint and the hub, each with its own queue and problems.
      const resolved = await settingsOf(deps);
      const [status, hub] = await Promise.all([
        exportStatus(db, resolved),
        hubStatus(db, resolved),
      ]);
      return { ...status, hub };
    }
    default:
      return { error: `${request.type}: unknown request` };
  }
}

const FROM_CONTENT = new Set<BackgroundRequest['type']>([
  'page.lookup',
  'page.loadRegex',
  'page.loadChunk',
  'event.record',
  'progress.reset',
  'progress.leave',
  'panel.setCompact',
]);
const FROM_SUB_FRAME = new Set<BackgroundRequest['type']>([
  'frame.lookup',
  'frame.steps',
  'frame.gone',
]);

/** Who may send a request, in words for the refusal. */
function senderRule(
  type: BackgroundRequest['type'],
): [(s: Sender, d: RouterDeps) => boolean, string] {
  if (FROM_CONTENT.has(type)) return [isContentScript, 'a content script'];
  if (FROM_SUB_FRAME.has(type)) return [isSubFrame, 'the content script of a sub-frame'];
  if (type === 'frame.resync' || type === 'help.list') {
    return [isTopFrame, 'the content script of a top frame'];
  }
  // Only the top frame measures touchpoints (page.lookup says so to frame 0 only), but the
  // last time of a page, told on pagehide, reaches the background from a document pending
  // deletion, which the browser reports under another frame id.
  if (type === 'touchpoint.time') return [isContentScript, 'a content script'];
  return [isExtensionPage, 'an extension page'];
}

/**
 * The last frame message of each frame, per tab: a frame's states and its "gone" reach the
 * top frame in the order the frame sent them, although checking them takes varying time.
 */
const frameQueues = new Map<string, Promise<unknown>>();

function inFrameOrder<T>(sender: Sender, job: () => Promise<T>): Promise<T> {
  const key = `${sender.tab?.id}:${sender.frameId}`;
  const run = (frameQueues.get(key) ?? Promise.resolve()).then(job, job);
  const settled = run.catch(() => {});
  frameQueues.set(key, settled);
  void settled.then(() => {
    if (frameQueues.get(key) === settled) frameQueues.delete(key);
  });
  return run;
}

/** Validates, authorizes and answers one runtime message. Never throws. */
export async function handleMessage(
  message: unknown,
  sender: Sender,
  deps: RouterDeps,
): Promise<Response> {
  const parsed = BackgroundRequestSchema.safeParse(message);
  if (!parsed.success) {
    const problems = problemsOf(parsed.error)
      .map((p) => `${p.path || '(message)'}: ${p.message}`)
      .join('; ');
    return { error: `invalid message: ${problems}` };
  }
  const request = parsed.data;
  const [allowed, from] = senderRule(request.type);
  if (!allowed(sender, deps)) {
    return { error: `${request.type}: refused, only ${from} of this extension may send it` };
  }
  try {
    const reply = () => withReopen(deps.db, () => answer(request, sender, deps));
    const ordered = request.type === 'frame.steps' || request.type === 'frame.gone';
    return await (ordered ? inFrameOrder(sender, reply) : reply());
  } catch (e) {
    if (e instanceof RecordError || e instanceof SettingRefused) {
      return { error: `${request.type}: ${e.message}` };
    }
    console.error('[inflow] %s failed', request.type, e);
    return { error: `${request.type}: ${(e as Error)?.message ?? String(e)}` };
  }
}
