/**
 * Where the overlay content script runs. It is declared with `registration: 'runtime'`, so
 * the manifest loads it nowhere; the background registers it only on the hosts that some
 * installed aid can match, and on the hosts of the frames that aids' targets name
 * (`frame.url`), and on the hosts where touchpoints are measured (`touchpointHosts`, set by
 * policy; touchpoints.ts), only while that is on. Other pages never load it and cost nothing.
 *
 * It runs in every frame of those hosts (`allFrames`), and in about:blank and srcdoc frames
 * of their pages, which have no URL of their own but their parent's origin
 * (`matchOriginAsFallback`).
 */
import { hostKeysOfUrl } from '../aids/url-match';
import { getSetting, type InflowDb } from './db';
import { frameHostKeys, keysInUse } from './lookup';

export const OVERLAY_SCRIPT_ID = 'inflow-overlay';
/** The built overlay content script, relative to the extension root. */
export const OVERLAY_SCRIPT_FILE = 'overlay.js';

const HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;

/**
 * The Chrome match pattern for one index key: "crm.example.com" -> "*://crm.example.com/*",
 * "*.example.com" -> "*://*.example.com/*", anything else -> "<all_urls>". Match patterns
 * have no port, so "crm.localhost" also covers crm.localhost:3000.
 */
export function matchPatternOfHostKey(hostKey: string): string {
  const key = hostKey.toLowerCase();
  if (HOST.test(key)) return `*://${key}/*`;
  if (key.startsWith('*.') && HOST.test(key.slice(2))) return `*://${key}/*`;
  return '<all_urls>';
}

/** Sorted, distinct match patterns for index keys; "<all_urls>" alone when it is needed. */
export function matchPatternsOf(hostKeys: Iterable<string>): string[] {
  const patterns = new Set<string>();
  for (const key of hostKeys) patterns.add(matchPatternOfHostKey(key));
  if (patterns.has('<all_urls>')) return ['<all_urls>'];
  return [...patterns].sort();
}

/**
 * Every distinct index key of the installed aids, as the lookup keeps them, the keys of the
 * hosts their targets' `frame.url` patterns name, and the touchpoint hosts while measuring
 * is on.
 */
export async function installedHostKeys(db: InflowDb): Promise<string[]> {
  const keys = await keysInUse(db);
  for (const key of await frameHostKeys(db)) keys.add(key);
  for (const key of await getSetting(db, 'touchpointHostKeys', [])) keys.add(key);
  return [...keys].sort();
}

interface RegisteredScript {
  id: string;
  matches?: string[];
  js?: string[];
  runAt?: string;
  allFrames?: boolean;
  matchOriginAsFallback?: boolean;
}

interface ScriptRegistration {
  id: string;
  matches: string[];
  js: string[];
  runAt: 'document_start';
  allFrames: boolean;
  matchOriginAsFallback?: boolean;
  persistAcrossSessions: boolean;
}

/** The part of the scripting API that registration uses (a fake in unit tests). */
export interface ScriptingApi {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<RegisteredScript[]>;
  registerContentScripts(scripts: ScriptRegistration[]): Promise<unknown>;
  updateContentScripts(scripts: ScriptRegistration[]): Promise<unknown>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<unknown>;
  executeScript(injection: {
    target: { tabId: number; allFrames?: boolean; frameIds?: number[] };
    files: string[];
    /** Run now, even while the page is loading, rather than once it is idle. */
    injectImmediately?: boolean;
  }): Promise<unknown>;
}

export interface TabsApi {
  query(query: Record<string, never>): Promise<{ id?: number; url?: string }[]>;
  sendMessage(tabId: number, message: unknown, options?: { frameId?: number }): Promise<unknown>;
}

/**
 * Asks the overlay in open web pages to look its aids up again: every page, or those whose
 * URL `which` accepts. Tabs without the overlay have no listener: nothing to refresh.
 */
export async function refreshOverlays(
  tabs: TabsApi,
  which: (url: string) => boolean = () => true,
): Promise<void> {
  const open = await tabs.query({}).catch(() => []);
  await Promise.all(
    open
      .filter((tab) => tab.id !== undefined && /^https?:/i.test(tab.url ?? '') && which(tab.url!))
      .map((tab) =>
        tabs.sendMessage(tab.id!, { type: 'overlay.refresh' }, { frameId: 0 }).catch(() => {}),
      ),
  );
}

export type SyncResult = 'registered' | 'updated' | 'unregistered' | 'unchanged';

/** True if two lists hold the same strings, in any order. */
export function sameList(a: readonly string[] = [], b: readonly string[] = []): boolean {
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
}

/** Registers, updates or unregisters the overlay so that it runs exactly on `matches`. */
export async function applyRegistration(
  scripting: ScriptingApi,
  matches: string[],
): Promise<SyncResult> {
  const [current] = await scripting.getRegisteredContentScripts({ ids: [OVERLAY_SCRIPT_ID] });
  if (!matches.length) {
    if (!current) return 'unchanged';
    await scripting.unregisterContentScripts({ ids: [OVERLAY_SCRIPT_ID] });
    return 'unregistered';
  }
  const script: ScriptRegistration = {
    id: OVERLAY_SCRIPT_ID,
    matches,
    js: [OVERLAY_SCRIPT_FILE],
    // document_start: the overlay asks for its aids while the page is still parsing, so
    // the answer is there by DOMContentLoaded. It touches the DOM only after that.
    runAt: 'document_start',
    // Targets in iframes: the overlay runs in each frame and reports to the top frame.
    allFrames: true,
    matchOriginAsFallback: true,
    persistAcrossSessions: true,
  };
  if (!current) {
    await scripting.registerContentScripts([script]);
    return 'registered';
  }
  // A registration persisted by an older version may differ in more than its hosts.
  const same =
    sameList(current.matches, matches) &&
    sameList(current.js, script.js) &&
    (current.runAt === undefined || current.runAt === script.runAt) &&
    current.allFrames === true &&
    current.matchOriginAsFallback === true;
  if (same) return 'unchanged';
  await scripting.updateContentScripts([script]);
  return 'updated';
}

/** Makes the overlay registration follow the installed aids. */
export async function syncRegistration(db: InflowDb, scripting: ScriptingApi): Promise<SyncResult> {
  return applyRegistration(scripting, matchPatternsOf(await installedHostKeys(db)));
}

/** True if an http(s) URL is on a host that one of `hostKeys` indexes. */
export function urlHasAidHost(url: string | undefined, hostKeys: ReadonlySet<string>): boolean {
  if (!url || !/^https?:/i.test(url)) return false;
  return hostKeysOfUrl(url).some((key) => hostKeys.has(key));
}

/**
 * After install or update, tabs that are already open did not get the overlay (and after an
 * update their old copy is cut off from the extension). Injects it into every open tab on
 * a host with aids, unless an overlay there still answers.
 */
export async function injectIntoOpenTabs(
  db: InflowDb,
  tabs: TabsApi,
  scripting: ScriptingApi,
): Promise<number[]> {
  const hostKeys = new Set(await installedHostKeys(db));
  if (!hostKeys.size) return [];
  const injected: number[] = [];
  for (const tab of await tabs.query({})) {
    if (tab.id === undefined || !urlHasAidHost(tab.url, hostKeys)) continue;
    const tabId = tab.id;
    const alive = await tabs
      .sendMessage(tabId, { type: 'overlay.status' }, { frameId: 0 })
      .then((answer) => answer !== undefined)
      .catch(() => false);
    if (alive) continue;
    try {
      // Every frame: frames with targets need it too (frames without aids ask once and stop).
      await scripting.executeScript({
        target: { tabId, allFrames: true },
        files: [OVERLAY_SCRIPT_FILE],
      });
      injected.push(tabId);
    } catch {
      // Tabs we may not script (the web store, discarded tabs, error pages): skip them.
    }
  }
  return injected;
}
