/**
 * Resolving Inflow's settings (the contract is src/protocol/settings.ts). Per key, a value set
 * by the organisation's policy (the browser's managed storage) wins; otherwise the value set
 * in the options page (the `settings` table); otherwise the default. A policy value that is
 * not valid is ignored with a logged reason, never a crash: the key then resolves as if
 * policy were silent about it.
 *
 * The policy is cached in memory (a page lookup reads the audience on every page) until
 * `forgetPolicy()`, which the background calls when storage.onChanged reports a change in
 * the `managed` area. The service worker stopping empties the cache.
 *
 * Chromium's managed storage can take seconds to answer its first read after the browser
 * starts (its policy service is still loading), and has been seen not to answer at all. So
 * the last policy read is kept in the store (`policy`), and a read that is not there first
 * is answered from it; the fresh read, when it comes, replaces it and the keys it changed
 * are reported (`onLatePolicy`), as a change of policy would be. With nothing kept yet (the
 * first start), settings wait for the read at most POLICY_FIRST_WAIT_MS, then go on as if
 * there were no policy until it comes.
 */
import { browser } from 'wxt/browser';
import { z } from 'zod';
import type { Viewer } from '../aids/audience';
import { problemsOf } from '../aids/validate';
import type { PolicyProblem, SettingsView } from '../protocol/messages';
import { DEFAULT_SETTINGS, type SettingKey, Settings } from '../protocol/settings';
import { getDb, getSetting, type InflowDb, setSetting } from './db';

export const SETTING_KEYS = Object.keys(Settings.shape) as SettingKey[];

/** Keys whose change calls for a sync of the pack sources. */
export const SYNC_KEYS: ReadonlySet<SettingKey> = new Set([
  'packSources',
  'requireSignatures',
  'trustedKeys',
]);

/** Keys that decide which aids a person sees. */
export const AUDIENCE_KEYS: ReadonlySet<SettingKey> = new Set(['role', 'team', 'locale']);

/**
 * Keys only the organisation's policy may set: what staff's browsers measure is the
 * organisation's decision, not one person's (touchpoint coverage, docs/privacy.md).
 */
export const POLICY_ONLY_KEYS: ReadonlySet<SettingKey> = new Set(['touchpointHosts']);

/** The part of storage.managed that settings use (a fake in unit tests). */
export interface ManagedArea {
  get(): Promise<Record<string, unknown>>;
}

export interface SettingsSources {
  db?: InflowDb;
  /** The policy; null for none. Default: the browser's storage.managed. */
  managed?: ManagedArea | null;
}

function browserManaged(): ManagedArea | null {
  const area = (browser as { storage?: { managed?: ManagedArea } }).storage?.managed;
  return area ?? null;
}

/** The organisation's policy, checked: the valid values, and what was ignored and why. */
export interface Policy {
  values: Partial<Settings>;
  ignored: PolicyProblem[];
}

/** How long settings wait for a first read of the policy when none was kept before. */
export const POLICY_FIRST_WAIT_MS = 2_000;

let policyCache: { area: ManagedArea; policy: Promise<Policy> } | null = null;

/** Told the keys a policy read changed when it came after its kept copy was used. */
let latePolicy: ((keys: string[]) => void) | null = null;

/** Drops the cached policy: the next resolve reads managed storage again. */
export function forgetPolicy(): void {
  policyCache = null;
}

/** Sets who hears of a late policy read that changed keys (the background: settingsChanged). */
export function onLatePolicy(listener: ((keys: string[]) => void) | null): void {
  latePolicy = listener;
}

async function readManaged(area: ManagedArea): Promise<Record<string, unknown>> {
  try {
    const value = await area.get();
    return value && typeof value === 'object' ? value : {};
  } catch (e) {
    // Firefox throws when no policy was installed for the add-on: that is "no policy".
    console.debug('[inflow] no managed settings:', (e as Error)?.message ?? e);
    return {};
  }
}

/** The keys whose values differ between two reads of the policy. */
export function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])).sort();
}

function checkPolicy(raw: Record<string, unknown>): Policy {
  const checked = policyValues(raw);
  for (const problem of checked.ignored) {
    console.warn(`[inflow] policy value ignored: ${problem.reason}`);
  }
  return checked;
}

async function keptPolicy(db: InflowDb | undefined): Promise<Record<string, unknown> | null> {
  if (!db) return null;
  const kept = await getSetting(db, 'policy', null).catch(() => null);
  return kept && typeof kept === 'object' ? kept : null;
}

const after = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The raw policy: the fresh read of `area` if it has come once the copy kept in `db` is
 * read (or, with none kept, within POLICY_FIRST_WAIT_MS), else the kept copy (or no policy),
 * replaced in the cache by the fresh read when that comes.
 */
async function rawPolicy(area: ManagedArea, db: InflowDb | undefined): Promise<Policy> {
  const fresh = readManaged(area);
  const kept = await keptPolicy(db);
  const keep = (raw: Record<string, unknown>) => {
    if (db && (!kept || changedKeys(kept, raw).length)) {
      void setSetting(db, 'policy', raw).catch((e) =>
        console.warn('[inflow] keeping the policy failed', e),
      );
    }
  };
  // The fresh read first: of two answers already there, race takes the first listed.
  const first = await Promise.race([
    fresh.then((raw) => ({ raw, fresh: true })),
    (kept ? Promise.resolve() : after(POLICY_FIRST_WAIT_MS)).then(() => ({
      raw: kept ?? {},
      fresh: false,
    })),
  ]);
  if (first.fresh) {
    keep(first.raw);
    return checkPolicy(first.raw);
  }
  console.info(
    `[inflow] managed storage is slow to answer: settings follow ${kept ? 'the policy it gave last time' : 'no policy'} until it does`,
  );
  void fresh.then((raw) => {
    keep(raw);
    const keys = changedKeys(first.raw, raw);
    if (!keys.length) return;
    if (policyCache?.area === area) {
      policyCache = { area, policy: Promise.resolve(checkPolicy(raw)) };
    }
    latePolicy?.(keys);
  });
  return checkPolicy(first.raw);
}

/**
 * The policy, checked (cached until forgetPolicy). What it ignores is logged once per read,
 * not on every page lookup. With `db`, the copy kept there answers when managed storage is
 * slow (see the top of this file).
 */
export function readPolicy(area: ManagedArea | null, db?: InflowDb): Promise<Policy> {
  if (!area) return Promise.resolve({ values: {}, ignored: [] });
  if (policyCache?.area !== area) {
    const policy = rawPolicy(area, db);
    policyCache = { area, policy };
    // A failed read is not kept.
    policy.catch(() => {
      if (policyCache?.policy === policy) policyCache = null;
    });
  }
  return policyCache.policy;
}

function describeProblems(error: z.ZodError, key: string): string {
  return problemsOf(error)
    .map((p) => `${key}${p.path && !p.path.startsWith('[') ? '.' : ''}${p.path}: ${p.message}`)
    .join('; ');
}

type Checked = { ok: true; value: unknown; dropped: string[] } | { ok: false; reason: string };

/**
 * Checks one value against its key's schema. In a list, an entry that is not valid is
 * dropped (with a reason) and the others are kept, so that one mistyped source does not
 * lose an organisation all of its sources.
 */
export function checkValue(key: SettingKey, value: unknown, dropInvalidItems = false): Checked {
  if (value === undefined || value === null) return { ok: false, reason: `${key}: no value` };
  const schema = Settings.shape[key].unwrap() as z.ZodType;
  const dropped: string[] = [];
  let candidate = value;
  if (dropInvalidItems && schema instanceof z.ZodArray && Array.isArray(value)) {
    const item = schema.element as z.ZodType;
    candidate = value.filter((entry, i) => {
      const result = item.safeParse(entry);
      if (!result.success) dropped.push(describeProblems(result.error, `${key}[${i}]`));
      return result.success;
    });
  }
  const result = schema.safeParse(candidate);
  if (!result.success) return { ok: false, reason: describeProblems(result.error, key) };
  return { ok: true, value: result.data, dropped };
}

/** The policy's valid values by key, and what was ignored. */
export function policyValues(policy: Record<string, unknown>): Policy {
  const values: Record<string, unknown> = {};
  const ignored: PolicyProblem[] = [];
  for (const [key, value] of Object.entries(policy)) {
    if (!(SETTING_KEYS as string[]).includes(key)) {
      ignored.push({ key, reason: `${key}: not a setting of Inflow` });
      continue;
    }
    const checked = checkValue(key as SettingKey, value, true);
    if (!checked.ok) {
      ignored.push({ key, reason: checked.reason });
      continue;
    }
    for (const reason of checked.dropped) ignored.push({ key, reason });
    values[key] = checked.value;
  }
  return { values: values as Partial<Settings>, ignored };
}

/** Settings as resolved now, which keys policy set, and which policy values were ignored. */
export async function resolveSettings(sources: SettingsSources = {}): Promise<SettingsView> {
  const db = sources.db ?? getDb();
  const managed = sources.managed === undefined ? browserManaged() : sources.managed;
  const [policy, rows] = await Promise.all([
    readPolicy(managed, db),
    db.settings.bulkGet(SETTING_KEYS),
  ]);
  const fromPolicy = policy;
  const values: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const managedKeys: SettingKey[] = [];
  SETTING_KEYS.forEach((key, i) => {
    if (key in fromPolicy.values) {
      values[key] = fromPolicy.values[key];
      managedKeys.push(key);
      return;
    }
    const row = rows[i];
    if (row === undefined || POLICY_ONLY_KEYS.has(key)) return;
    const checked = checkValue(key, row.value);
    if (checked.ok) values[key] = checked.value;
    else console.warn(`[inflow] stored setting ignored: ${checked.reason}`);
  });
  return { values: values as Settings, managed: managedKeys, ignored: fromPolicy.ignored };
}

export class SettingRefused extends Error {
  override name = 'SettingRefused';
}

/**
 * Stores a value set in the options page. Refused (SettingRefused, with a message for
 * people) when the organisation's policy sets the key, or when the value is not valid.
 */
export async function setLocalSetting<K extends SettingKey>(
  key: K,
  value: unknown,
  sources: SettingsSources = {},
): Promise<Settings[K]> {
  const db = sources.db ?? getDb();
  const managed = sources.managed === undefined ? browserManaged() : sources.managed;
  if (!(SETTING_KEYS as string[]).includes(key)) {
    throw new SettingRefused(`${key}: not a setting of Inflow`);
  }
  const fromPolicy = await readPolicy(managed, db);
  if (key in fromPolicy.values) {
    throw new SettingRefused(`${key} is set by your organisation and cannot be changed here`);
  }
  if (POLICY_ONLY_KEYS.has(key)) {
    throw new SettingRefused(`${key} can only be set by your organisation's policy`);
  }
  const checked = checkValue(key, value);
  if (!checked.ok) throw new SettingRefused(checked.reason);
  await db.settings.put({ key, value: checked.value });
  return checked.value as Settings[K];
}

/**
 * Who is looking, from resolved settings: role, team, and the locale set or else the
 * browser's. Unset fields only see aids meant for everyone.
 */
export function viewerOf(
  values: { role: string; team: string; locale: string },
  browserLocale?: string,
): Viewer {
  const viewer: Viewer = {};
  if (values.role) viewer.role = values.role;
  if (values.team) viewer.team = values.team;
  const locale = values.locale || browserLocale;
  if (locale) viewer.locale = locale;
  return viewer;
}
