/**
 * The background's answer to every runtime message. One plain async function: it validates
 * the message against the contract (src/protocol/messages.ts), checks who sent it, and
 * returns the response or `{ error }`. It never throws, so the caller can hand its promise
 * straight back to runtime.onMessage.
 */
import { problemsOf } from '../aids/validate';
import {
  type ActiveAid,
  type BackgroundRequest,
  BackgroundRequest as BackgroundRequestSchema,
  type BackgroundResponses,
  type ErrorResponse,
  type SourceStatus,
} from '../protocol/messages';
import type { SettingKey } from '../protocol/settings';
import { type AuthoringRequest, answerAuthoring, previewAids } from './authoring';
import { getSetting, type InflowDb, setSetting, withReopen } from './db';
import { answerInsights, type InsightsRequest } from './insights';
import { lookup, panelCompact, setPanelCompact, type Viewer } from './lookup';
import { exportStatus } from './outbox-upload';
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

/** What the router needs to know about a message's sender (a subset of MessageSender). */
export interface Sender {
  id?: string;
  url?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
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
  /** Runs the overlay in a tab that does not have it (an author's preview). */
  scripting?: Pick<ScriptingApi, 'executeScript'>;
  /**
   * Told after authoring changed the installed aids, once they are written: registers the
   * overlay for the hosts they need. Open pages are refreshed by the caller.
   */
  aidsChanged?: () => Promise<void>;
}

type Response = BackgroundResponses[keyof BackgroundResponses] | ErrorResponse;

const isHttp = (url: string | undefined): boolean => !!url && /^https?:\/\//i.test(url);

/** A content script of this extension, running in an http(s) page of a tab. */
export function isContentScript(sender: Sender, deps: RouterDeps): boolean {
  if (sender.id !== deps.runtime.id || !sender.tab) return false;
  const url = sender.url ?? sender.tab.url;
  return isHttp(url);
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
      const [aids, compact] = await Promise.all([
        pageAids(deps, request.url, sender.tab?.id),
        panelCompact(db),
      ]);
      return {
        paused: false,
        aids: await startRuns(db, aids, request.url, !!request.reload, now()),
        compact,
      };
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
      return { ok: true };
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
    case 'export.status':
      return exportStatus(db, await settingsOf(deps));
    default:
      return { error: `${request.type}: unknown request` };
  }
}

const FROM_CONTENT = new Set<BackgroundRequest['type']>([
  'page.lookup',
  'event.record',
  'progress.reset',
  'progress.leave',
  'panel.setCompact',
]);

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
  const allowed = FROM_CONTENT.has(request.type)
    ? isContentScript(sender, deps)
    : isExtensionPage(sender, deps);
  if (!allowed) {
    const from = FROM_CONTENT.has(request.type) ? 'a content script' : 'an extension page';
    return { error: `${request.type}: refused, only ${from} of this extension may send it` };
  }
  try {
    return await withReopen(deps.db, () => answer(request, sender, deps));
  } catch (e) {
    if (e instanceof RecordError || e instanceof SettingRefused) {
      return { error: `${request.type}: ${e.message}` };
    }
    console.error('[inflow] %s failed', request.type, e);
    return { error: `${request.type}: ${(e as Error)?.message ?? String(e)}` };
  }
}
