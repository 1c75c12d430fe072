/**
 * Authoring in the background: drafts, publishing, history, import/export, preview and the
 * URL tester (the authoring.* messages of src/protocol/authoring.ts).
 *
 * Authors write through here only, so every change to the aids goes through the same
 * one-transaction writes as installs (packs.ts), keeps the aids by host key in step and is
 * seen by the lookup cache. A change that is refused or not valid writes nothing.
 *
 * Who may write:
 *   - nobody, when the resolved setting `allowLocalAuthoring` is false;
 *   - the local pack (LOCAL_PACK_ID, source "local") and imported packs (source "import");
 *   - the organisation's packs (source "bundled" or "url:…") only when the resolved setting
 *     `authorsMayEditAdminPacks` is true. Such a pack keeps its version when edited, so the
 *     organisation's next version replaces the local edits, and is marked `editedLocally`.
 *
 * Every version that publish or import puts in force is kept in `aidVersions`; before an
 * author changes an aid whose version in force is not in its history (bundled, synced), that
 * version is kept too. Deleting an aid keeps its history.
 *
 * Import is for authors moving aids between browsers: it installs a pack file as it is,
 * keeping a signature without checking it, and a pack without one too. The organisation's
 * fleet packs come from pack sources (sync.ts), where signatures are checked.
 */
import canonicalize from 'canonicalize';
import { explainMatch } from '../aids/explain-match';
import { type Aid, Id, type Pack } from '../aids/schema';
import { matchesUrl } from '../aids/url-match';
import {
  compareVersions,
  formatProblems,
  type Problem,
  parsePack,
  parsePackText,
} from '../aids/validate';
import { parsePackInSlices } from '../aids/validate-sliced';
import {
  type AidVersionSummary,
  type AuthoringAid,
  type AuthoringListItem,
  type Editability,
  type ImportResult,
  LOCAL_PACK_ID,
  type TargetReport,
  type UrlTestResult,
} from '../protocol/authoring';
import type {
  ActiveAid,
  BackgroundRequest,
  BackgroundResponses,
  ErrorResponse,
  StoredEvent,
} from '../protocol/messages';
import type { Settings } from '../protocol/settings';
import {
  type AidRow,
  type DraftRow,
  getSetting,
  type InflowDb,
  type PackRow,
  type PreviewRow,
} from './db';
import { aidKey, aidRowsInSlices, installValidPack, writePackRows } from './packs';
import { OVERLAY_SCRIPT_FILE, refreshOverlays } from './registration';
import type { RouterDeps } from './router';
import { resolveSettings, viewerOf } from './settings';

export type AuthoringRequest = Extract<BackgroundRequest, { type: `authoring.${string}` }>;

type Answer<T extends AuthoringRequest['type']> = Promise<BackgroundResponses[T]>;
type Invalid = { ok: false; problems: Problem[] };

/** The title of the local pack, created on the first publish. */
export const LOCAL_PACK_TITLE = 'My aids';
/** Largest draft kept, in bytes of JSON: far above any real aid, well below the store's. */
export const MAX_DRAFT_BYTES = 200 * 1024;
/** Id and title of an exported pack when the author names none. */
export const EXPORT_ID = 'exported-aids';
export const EXPORT_TITLE = 'Exported aids';

export const AUTHORING_OFF = 'Your organisation has turned off authoring in this browser.';

/** A request the author can fix: answered as `{ error }` with this sentence. */
class AuthoringError extends Error {
  override name = 'AuthoringError';
}

function fail(message: string): never {
  throw new AuthoringError(message);
}

const TABLES_WRITE = [
  'packs',
  'aids',
  'hostIndex',
  'packHistory',
  'aidVersions',
  'drafts',
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// --- keys, settings and who may write ---------------------------------------------------

interface KeyParts {
  packId: string;
  aidId: string;
}

function splitKey(key: string): KeyParts | null {
  const slash = key.indexOf('/');
  const packId = key.slice(0, slash);
  const aidId = key.slice(slash + 1);
  if (slash < 0 || !Id.safeParse(packId).success || !Id.safeParse(aidId).success) return null;
  return { packId, aidId };
}

function keyParts(key: string): KeyParts {
  return (
    splitKey(key) ??
    fail(`"${key}" is not an aid key: it must be "<pack id>/<aid id>", both lower-case ids`)
  );
}

async function settingsOf(deps: RouterDeps): Promise<Settings> {
  return (await resolveSettings({ db: deps.db, managed: deps.managed })).values;
}

/** Settings for a write: refused when the organisation turned authoring off. */
async function writeSettings(deps: RouterDeps): Promise<Settings> {
  const settings = await settingsOf(deps);
  if (!settings.allowLocalAuthoring) fail(AUTHORING_OFF);
  return settings;
}

/** Packs authors own: created here or imported. */
const isAuthorSource = (source: string) => source === 'local' || source === 'import';

/** Whether authors may change the aids of pack `packId` (installed as `pack`, or not). */
export function editabilityOf(
  pack: PackRow | undefined,
  packId: string,
  settings: Pick<Settings, 'allowLocalAuthoring' | 'authorsMayEditAdminPacks'>,
): Editability {
  if (!settings.allowLocalAuthoring) return { editable: false, readOnlyReason: AUTHORING_OFF };
  if (!pack) {
    if (packId === LOCAL_PACK_ID) return { editable: true };
    return {
      editable: false,
      readOnlyReason: `The pack “${packId}” is not installed in this browser: new aids go in “${LOCAL_PACK_TITLE}”.`,
    };
  }
  if (isAuthorSource(pack.source) || settings.authorsMayEditAdminPacks) return { editable: true };
  return {
    editable: false,
    readOnlyReason: `From your organisation's pack “${pack.title}”: read-only. Copy it to “${LOCAL_PACK_TITLE}” to change it.`,
  };
}

function requireEditable(pack: PackRow | undefined, packId: string, settings: Settings): void {
  const { editable, readOnlyReason } = editabilityOf(pack, packId, settings);
  if (!editable) fail(readOnlyReason ?? `the pack “${packId}” is read-only`);
}

// --- validation ---------------------------------------------------------------------------

/**
 * Validates an aid as the pack format does (schema, URL patterns, regular expressions,
 * distinct step ids), with paths relative to the aid ("steps[1].text").
 */
export function checkAid(input: unknown): { ok: true; aid: Aid } | Invalid {
  const parsed = parsePack({ format: 1, id: 'aid', version: '1.0.0', title: 'aid', aids: [input] });
  if (parsed.ok) return { ok: true, aid: parsed.value.aids[0]! };
  return { ok: false, problems: relativeTo(parsed.problems, 0) };
}

/** Problems of `aids[index]` of a pack with paths relative to that aid; others as they are. */
function relativeTo(problems: Problem[], index: number): Problem[] {
  const prefix = `aids[${index}]`;
  return problems.map((p) => {
    if (p.path === prefix) return { ...p, path: '' };
    if (p.path.startsWith(`${prefix}.`)) return { ...p, path: p.path.slice(prefix.length + 1) };
    if (p.path.startsWith(`${prefix}[`)) return { ...p, path: p.path.slice(prefix.length) };
    return p;
  });
}

/** "1.4.2" -> "1.4.3": each change to an author's pack is a new version, which events carry. */
export function bumpPatch(version: string): string {
  const [major, minor, patch] = version.split('.').map(Number);
  return `${major ?? 0}.${minor ?? 0}.${(patch ?? 0) + 1}`;
}

// --- history ------------------------------------------------------------------------------

async function lastRev(db: InflowDb, key: string): Promise<number> {
  // Rows of one key come in primary key order ([key+rev]): the last has the highest rev.
  return (await db.aidVersions.where('key').equals(key).last())?.rev ?? 0;
}

async function addVersion(
  db: InflowDb,
  key: string,
  aid: Aid,
  packVersion: string,
  publishedAt: number,
  note: string,
): Promise<number> {
  const rev = (await lastRev(db, key)) + 1;
  await db.aidVersions.put({ key, rev, aid, packVersion, publishedAt, note });
  return rev;
}

/**
 * Before an aid changes, keeps the version in force when the history does not end with it
 * (bundled and synced aids come without history, and a newer version from the organisation
 * replaces an edited one), so that restore can bring it back.
 */
async function keepInstalledVersion(db: InflowDb, row: AidRow, pack: PackRow): Promise<void> {
  const last = await db.aidVersions.where('key').equals(row.key).last();
  if (last && canonicalize(last.aid) === canonicalize(row.aid)) return;
  await addVersion(
    db,
    row.key,
    row.aid,
    row.packVersion,
    pack.installedAt,
    `as installed (pack version ${row.packVersion})`,
  );
}

// --- writing packs ------------------------------------------------------------------------

/**
 * Writes `aids` as the new content of `current` (or of a new local pack), in the caller's
 * transaction. Authors' packs get the next patch version; an organisation's pack keeps its
 * version and is marked edited. The signature goes: it no longer covers the content.
 */
async function writeAuthoredPack(
  db: InflowDb,
  current: PackRow | undefined,
  aids: Aid[],
  now: number,
  index: number,
): Promise<{ ok: true; row: PackRow } | Invalid> {
  const base: Pack = current?.pack ?? {
    format: 1,
    id: LOCAL_PACK_ID,
    version: '1.0.0',
    title: LOCAL_PACK_TITLE,
    aids: [],
  };
  const { signature: _signature, ...unsigned } = base;
  const source = current?.source ?? 'local';
  const admin = !isAuthorSource(source);
  const version = !current || admin ? base.version : bumpPatch(current.version);
  const parsed = parsePack({ ...unsigned, version, aids });
  if (!parsed.ok) return { ok: false, problems: relativeTo(parsed.problems, index) };
  const row: PackRow = {
    id: parsed.value.id,
    version,
    title: parsed.value.title,
    source,
    installedAt: now,
    pack: parsed.value,
    ...(admin ? { editedLocally: true } : {}),
  };
  await writePackRows(db, row);
  return { ok: true, row };
}

/** After a change to the installed aids: the overlay registered for new hosts, pages refreshed. */
async function aidsChanged(deps: RouterDeps): Promise<void> {
  try {
    await deps.aidsChanged?.();
  } catch (e) {
    console.error('[inflow] registration after authoring failed', e);
  }
  await refreshOverlays(deps.tabs);
}

// --- reading ------------------------------------------------------------------------------

/** Title, kind and URL patterns of a draft, which may be any JSON the author left. */
function draftFacts(aid: unknown): { title?: string; kind?: string; urls?: string[] } {
  if (!isRecord(aid)) return {};
  const facts: { title?: string; kind?: string; urls?: string[] } = {};
  if (typeof aid.title === 'string' && aid.title.trim()) facts.title = aid.title;
  if (typeof aid.kind === 'string') facts.kind = aid.kind;
  const urls = isRecord(aid.match) ? aid.match.urls : undefined;
  if (Array.isArray(urls)) facts.urls = urls.filter((u): u is string => typeof u === 'string');
  return facts;
}

const TARGET_EVENTS = ['target_missing', 'target_healed'] as const;

/** Reported target problems per aid key. */
async function targetCounts(
  db: InflowDb,
): Promise<Map<string, { missing: number; healed: number }>> {
  const counts = new Map<string, { missing: number; healed: number }>();
  await db.events
    .where('type')
    .anyOf([...TARGET_EVENTS])
    .each((event) => {
      const count = counts.get(event.aidKey) ?? { missing: 0, healed: 0 };
      if (event.type === 'target_missing') count.missing++;
      else count.healed++;
      counts.set(event.aidKey, count);
    });
  return counts;
}

const packOrder = (a: { packId: string }, b: { packId: string }) =>
  a.packId < b.packId ? -1 : a.packId > b.packId ? 1 : 0;

async function list(deps: RouterDeps): Answer<'authoring.list'> {
  const { db } = deps;
  const settings = await settingsOf(deps);
  const [packs, rows, drafts, counts] = await db.transaction(
    'r',
    [db.packs, db.aids, db.drafts, db.events],
    () =>
      Promise.all([db.packs.toArray(), db.aids.toArray(), db.drafts.toArray(), targetCounts(db)]),
  );
  const packById = new Map(packs.map((p) => [p.id, p]));
  const draftByKey = new Map(drafts.map((d) => [d.key, d]));
  const item = (
    key: string,
    packId: string,
    aidId: string,
    row: AidRow | undefined,
    draft: DraftRow | undefined,
  ): AuthoringListItem => {
    const pack = packById.get(packId);
    const facts = draftFacts(draft?.aid);
    const count = counts.get(key);
    return {
      key,
      packId,
      packTitle: pack?.title ?? (packId === LOCAL_PACK_ID ? LOCAL_PACK_TITLE : packId),
      packVersion: row?.packVersion ?? pack?.version ?? '',
      source: pack?.source ?? 'local',
      aidId,
      title: facts.title ?? row?.aid.title ?? aidId,
      kind: facts.kind ?? row?.kind ?? '',
      urls: facts.urls ?? row?.aid.match.urls ?? [],
      published: !!row,
      hasDraft: !!draft,
      ...(draft ? { draftUpdatedAt: draft.updatedAt } : {}),
      missing: count?.missing ?? 0,
      healed: count?.healed ?? 0,
      ...editabilityOf(pack, packId, settings),
    };
  };
  const published = rows
    .sort((a, b) => packOrder(a, b) || a.order - b.order)
    .map((row) => item(row.key, row.packId, row.aidId, row, draftByKey.get(row.key)));
  const publishedKeys = new Set(rows.map((r) => r.key));
  const unpublished = drafts
    .filter((d) => !publishedKeys.has(d.key))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((d) => item(d.key, d.packId, d.key.slice(d.packId.length + 1), undefined, d));
  // Drafts of new aids come after the published aids of their pack.
  const aids = [...published];
  for (const entry of unpublished) {
    let at = aids.length;
    while (at > 0 && aids[at - 1]!.packId > entry.packId) at--;
    aids.splice(at, 0, entry);
  }
  return { aids };
}

/** What staff pages reported of each target of an aid, newest report first. */
function reportsOf(events: StoredEvent[]): TargetReport[] {
  const byTarget = new Map<string, { report: TargetReport; latest: StoredEvent }>();
  for (const event of events) {
    if (event.type !== 'target_missing' && event.type !== 'target_healed') continue;
    const id = `${event.type}\u0000${event.stepId ?? ''}`;
    const entry = byTarget.get(id);
    if (!entry) {
      const report: TargetReport = {
        type: event.type,
        count: 0,
        lastAt: 0,
        lastUrl: '',
        failedSignals: [],
      };
      if (event.stepId !== undefined) report.stepId = event.stepId;
      byTarget.set(id, { report, latest: event });
    } else if ((event.seq ?? 0) >= (entry.latest.seq ?? 0)) entry.latest = event;
    byTarget.get(id)!.report.count++;
  }
  return [...byTarget.values()]
    .map(({ report, latest }) => {
      report.lastAt = latest.recordedAt;
      report.lastUrl = latest.url;
      report.failedSignals = latest.failedSignals ?? [];
      if (latest.foundBy !== undefined) report.foundBy = latest.foundBy;
      return report;
    })
    .sort((a, b) => b.lastAt - a.lastAt);
}

async function get(deps: RouterDeps, key: string): Answer<'authoring.get'> {
  const { db } = deps;
  const parts = splitKey(key) ?? fail(`no aid ${key}`);
  const settings = await settingsOf(deps);
  const [pack, row, draft, versions, events] = await db.transaction(
    'r',
    [db.packs, db.aids, db.drafts, db.aidVersions, db.events],
    () =>
      Promise.all([
        db.packs.get(parts.packId),
        db.aids.get(key),
        db.drafts.get(key),
        db.aidVersions.where('key').equals(key).toArray(),
        db.events
          .where('aidKey')
          .equals(key)
          .and((e) => (TARGET_EVENTS as readonly string[]).includes(e.type))
          .toArray(),
      ]),
  );
  if (!row && !draft) fail(`no aid ${key}`);
  const history: AidVersionSummary[] = versions
    .sort((a, b) => b.rev - a.rev)
    .map(({ rev, publishedAt, packVersion, note, aid }) => ({
      rev,
      publishedAt,
      packVersion,
      note,
      aid,
    }));
  const answer: AuthoringAid = {
    key,
    packId: parts.packId,
    packTitle: pack?.title ?? (parts.packId === LOCAL_PACK_ID ? LOCAL_PACK_TITLE : parts.packId),
    source: pack?.source ?? 'local',
    published: row?.aid ?? null,
    draft: draft ? { aid: draft.aid, updatedAt: draft.updatedAt } : null,
    history,
    reports: reportsOf(events),
    ...editabilityOf(pack, parts.packId, settings),
  };
  return answer;
}

// --- drafts -------------------------------------------------------------------------------

async function saveDraft(
  deps: RouterDeps,
  key: string,
  aid: unknown,
): Answer<'authoring.saveDraft'> {
  const { db } = deps;
  const { packId } = keyParts(key);
  const settings = await writeSettings(deps);
  const json = JSON.stringify(aid);
  if (json === undefined) fail('a draft needs an aid: there is nothing to save');
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > MAX_DRAFT_BYTES) {
    fail(
      `the draft is too large: ${Math.ceil(bytes / 1024)} KB of JSON, at most ${MAX_DRAFT_BYTES / 1024} KB`,
    );
  }
  const updatedAt = (deps.now ?? Date.now)();
  await db.transaction('rw', db.packs, db.drafts, async () => {
    requireEditable(await db.packs.get(packId), packId, settings);
    const previous = await db.drafts.get(key);
    const row: DraftRow = { key, packId, aid: JSON.parse(json), updatedAt };
    // A restored or copied draft keeps saying so until it is published.
    if (previous?.note) row.note = previous.note;
    await db.drafts.put(row);
  });
  return { ok: true, updatedAt };
}

async function discardDraft(deps: RouterDeps, key: string): Answer<'authoring.discardDraft'> {
  // Allowed even with authoring turned off: it only drops the author's own unpublished work.
  await deps.db.drafts.delete(key);
  return { ok: true };
}

async function publish(deps: RouterDeps, key: string): Answer<'authoring.publish'> {
  const { db } = deps;
  const { packId, aidId } = keyParts(key);
  const settings = await writeSettings(deps);
  const now = (deps.now ?? Date.now)();
  const result = await db.transaction('rw', [...TABLES_WRITE], async () => {
    const draft = (await db.drafts.get(key)) ?? fail(`${key} has no draft to publish`);
    const current = await db.packs.get(packId);
    requireEditable(current, packId, settings);
    const checked = checkAid(draft.aid);
    if (!checked.ok) return checked;
    const { aid } = checked;
    if (aid.id !== aidId) {
      const problem = { path: 'id', message: `must be "${aidId}", the aid id of ${key}` };
      return { ok: false as const, problems: [problem] };
    }
    const aids = [...(current?.pack.aids ?? [])];
    let index = aids.findIndex((a) => a.id === aidId);
    if (index < 0) index = aids.push(aid) - 1;
    else aids[index] = aid;
    const previous = await db.aids.get(key);
    if (previous && current) await keepInstalledVersion(db, previous, current);
    const written = await writeAuthoredPack(db, current, aids, now, index);
    if (!written.ok) return written;
    const version = written.row.version;
    const rev = await addVersion(db, key, aid, version, now, draft.note ?? 'published');
    await db.drafts.delete(key);
    return { ok: true as const, rev, packVersion: version };
  });
  if (result.ok) await aidsChanged(deps);
  return result;
}

async function restore(deps: RouterDeps, key: string, rev: number): Answer<'authoring.restore'> {
  const { db } = deps;
  const { packId } = keyParts(key);
  const settings = await writeSettings(deps);
  const updatedAt = (deps.now ?? Date.now)();
  await db.transaction('rw', db.packs, db.drafts, db.aidVersions, async () => {
    requireEditable(await db.packs.get(packId), packId, settings);
    const version = (await db.aidVersions.get([key, rev])) ?? fail(`${key} has no version ${rev}`);
    await db.drafts.put({
      key,
      packId,
      aid: version.aid,
      updatedAt,
      note: `restored from version ${rev}`,
    });
  });
  return { ok: true };
}

/** An aid id of the local pack that no aid, draft or history uses: "<id>-copy", "-copy-2"… */
async function freeCopyId(db: InflowDb, aidId: string): Promise<string> {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '-copy' : `-copy-${n}`;
    const id = `${aidId.slice(0, 64 - suffix.length)}${suffix}`;
    const key = aidKey(LOCAL_PACK_ID, id);
    const used =
      (await db.aids.get(key)) ||
      (await db.drafts.get(key)) ||
      (await db.aidVersions.where('key').equals(key).count());
    if (!used) return id;
  }
}

async function copy(deps: RouterDeps, key: string): Answer<'authoring.copy'> {
  const { db } = deps;
  const { aidId } = keyParts(key);
  const settings = await writeSettings(deps);
  const updatedAt = (deps.now ?? Date.now)();
  const newKey = await db.transaction(
    'rw',
    [db.packs, db.aids, db.drafts, db.aidVersions],
    async () => {
      requireEditable(await db.packs.get(LOCAL_PACK_ID), LOCAL_PACK_ID, settings);
      const source = (await db.aids.get(key))?.aid ?? (await db.drafts.get(key))?.aid;
      if (source === undefined) fail(`no aid ${key}`);
      const id = await freeCopyId(db, aidId);
      let aid: unknown = source;
      if (isRecord(source)) {
        const title = source.title;
        aid = {
          ...source,
          id,
          ...(typeof title === 'string' ? { title: `${title.slice(0, 113)} (copy)` } : {}),
        };
      }
      const copyKey = aidKey(LOCAL_PACK_ID, id);
      await db.drafts.put({
        key: copyKey,
        packId: LOCAL_PACK_ID,
        aid,
        updatedAt,
        note: `copied from ${key}`,
      });
      return copyKey;
    },
  );
  return { ok: true, key: newKey };
}

async function remove(deps: RouterDeps, key: string): Answer<'authoring.delete'> {
  const { db } = deps;
  const { packId, aidId } = keyParts(key);
  const settings = await writeSettings(deps);
  const now = (deps.now ?? Date.now)();
  const changed = await db.transaction('rw', [...TABLES_WRITE], async () => {
    const current = await db.packs.get(packId);
    const row = await db.aids.get(key);
    const draft = await db.drafts.get(key);
    if (!row && !draft) fail(`no aid ${key}`);
    requireEditable(current, packId, settings);
    await db.drafts.delete(key);
    if (!row || !current) return false;
    await keepInstalledVersion(db, row, current);
    const aids = current.pack.aids.filter((a) => a.id !== aidId);
    const written = await writeAuthoredPack(db, current, aids, now, -1);
    if (!written.ok) fail(`the pack would not be valid: ${formatProblems(written.problems)}`);
    return true;
  });
  if (changed) await aidsChanged(deps);
  return { ok: true };
}

// --- export and import --------------------------------------------------------------------

async function exportAids(
  deps: RouterDeps,
  request: Extract<AuthoringRequest, { type: 'authoring.export' }>,
): Answer<'authoring.export'> {
  const keys = [...new Set(request.keys)];
  const rows = await deps.db.aids.bulkGet(keys);
  const missing = keys.filter((_, i) => !rows[i]);
  if (missing.length) fail(`no published aid ${missing.join(', ')}`);
  const found = rows as AidRow[];
  const byId = new Map<string, string>();
  for (const row of found) {
    const other = byId.get(row.aidId);
    if (other) {
      fail(
        `${other} and ${row.key} have the same aid id "${row.aidId}": a pack needs distinct ids (copy one to give it another)`,
      );
    }
    byId.set(row.aidId, row.key);
  }
  // The stored aids as they are: an import elsewhere stores exactly the same JSON.
  const pack = {
    format: 1 as const,
    id: request.id ?? EXPORT_ID,
    version: '1.0.0',
    title: request.title ?? EXPORT_TITLE,
    aids: found.map((row) => row.aid),
  };
  const parsed = parsePack(pack);
  if (!parsed.ok) fail(`the pack would not be valid: ${formatProblems(parsed.problems)}`);
  return { pack, fileName: `${pack.id}-${pack.version}.json` };
}

const sameContent = (a: Pack, b: Pack) => canonicalize(a) === canonicalize(b);

async function importPack(deps: RouterDeps, text: string): Promise<ImportResult> {
  const { db } = deps;
  const settings = await writeSettings(deps);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // parsePackText words the syntax error.
    const syntax = parsePackText(text);
    if (!syntax.ok) return syntax;
    data = syntax.value;
  }
  // A big pack is validated, and its rows made, a slice at a time: the worker stays free.
  const parsed = await parsePackInSlices(data);
  if (!parsed.ok) return parsed;
  const pack = parsed.value;
  const rows = await aidRowsInSlices(pack);
  const now = (deps.now ?? Date.now)();
  const refused = (path: string, message: string): Invalid => ({
    ok: false,
    problems: [{ path, message }],
  });
  const result = await db.transaction('rw', [...TABLES_WRITE], async (): Promise<ImportResult> => {
    const installed = await db.packs.get(pack.id);
    const summary = { ok: true as const, packId: pack.id, version: pack.version };
    if (installed) {
      const cmp = compareVersions(pack.version, installed.version);
      if (cmp === 0 && sameContent(pack, installed.pack)) {
        return { ...summary, aids: pack.aids.length, status: 'unchanged' };
      }
      if (!isAuthorSource(installed.source) && !settings.authorsMayEditAdminPacks) {
        return refused(
          'id',
          `“${installed.title}” (id "${pack.id}") is your organisation's pack: an import cannot replace it. Give the pack another id.`,
        );
      }
      if (cmp === 0) {
        return refused(
          'version',
          `version ${pack.version} of “${installed.title}” is already installed with other content: raise the version to import this one`,
        );
      }
      if (cmp < 0 && !pack.rollback) {
        return refused(
          'version',
          `version ${pack.version} is lower than the installed ${installed.version}: raise the version to import this one`,
        );
      }
    }
    const source = pack.id === LOCAL_PACK_ID ? 'local' : 'import';
    // Checked above, in this transaction: the install itself needs no policy of its own.
    await installValidPack(db, pack, { source, now, policy: () => null }, rows);
    for (const aid of pack.aids) {
      await addVersion(db, aidKey(pack.id, aid.id), aid, pack.version, now, 'imported');
    }
    return { ...summary, aids: pack.aids.length, status: 'installed' };
  });
  if (result.ok && result.status === 'installed') await aidsChanged(deps);
  return result;
}

// --- preview ------------------------------------------------------------------------------

/** The key a draft previewed without one stands for (see the contract). */
async function previewKey(db: InflowDb, aid: Aid): Promise<string> {
  const drafts = await db.drafts.filter((d) => isRecord(d.aid) && d.aid.id === aid.id).toArray();
  drafts.sort((a, b) => b.updatedAt - a.updatedAt);
  if (drafts[0]) return drafts[0].key;
  const local = aidKey(LOCAL_PACK_ID, aid.id);
  if (await db.aids.get(local)) return local;
  return (await db.aids.filter((row) => row.aidId === aid.id).first())?.key ?? local;
}

/**
 * The previews, by tab, kept in memory per database: every page lookup asks for its tab's
 * preview and there is almost never one, so a lookup must not pay a read for it. Read once
 * per run of the worker; every write to `previews` goes through the functions below.
 */
const previewCache = new WeakMap<InflowDb, Promise<Map<number, PreviewRow>>>();

function previewsOf(db: InflowDb): Promise<Map<number, PreviewRow>> {
  let loaded = previewCache.get(db);
  if (!loaded) {
    loaded = db.previews.toArray().then((rows) => new Map(rows.map((r) => [r.tabId, r])));
    // A failed read is tried again by the next lookup.
    loaded.catch(() => previewCache.delete(db));
    previewCache.set(db, loaded);
  }
  return loaded;
}

async function putPreview(db: InflowDb, row: PreviewRow): Promise<void> {
  await db.previews.put(row);
  (await previewsOf(db)).set(row.tabId, row);
}

/** Stops the preview in tab `tabId` (the tab closed, or the author stopped it). */
export async function dropPreview(db: InflowDb, tabId: number): Promise<void> {
  await db.previews.delete(tabId);
  (await previewsOf(db)).delete(tabId);
}

/** Forgets every preview: tab ids start over with the browser. */
export async function clearPreviews(db: InflowDb): Promise<void> {
  await db.previews.clear();
  (await previewsOf(db)).clear();
}

async function preview(
  deps: RouterDeps,
  request: Extract<AuthoringRequest, { type: 'authoring.preview' }>,
): Answer<'authoring.preview'> {
  const { db, tabs } = deps;
  const { tabId } = request;
  const refresh = () => tabs.sendMessage(tabId, { type: 'overlay.refresh' }, { frameId: 0 });
  if (request.aid === null) {
    await dropPreview(db, tabId);
    await refresh().catch(() => {});
    return { ok: true };
  }
  await writeSettings(deps);
  if (request.key !== undefined) keyParts(request.key);
  const checked = checkAid(request.aid);
  if (!checked.ok) return checked;
  const key = request.key ?? (await previewKey(db, checked.aid));
  await putPreview(db, { tabId, key, aid: checked.aid, createdAt: (deps.now ?? Date.now)() });
  try {
    await refresh();
  } catch {
    // No overlay in that tab (a host without aids): run it there, in every frame (a draft's
    // targets may be in frames); it looks its aids up.
    try {
      if (!deps.scripting) throw new Error('this browser cannot run scripts in tabs');
      await deps.scripting.executeScript({
        target: { tabId, allFrames: true },
        files: [OVERLAY_SCRIPT_FILE],
      });
    } catch (e) {
      await dropPreview(db, tabId);
      fail(`cannot show the preview in that tab: ${(e as Error)?.message ?? String(e)}`);
    }
  }
  return { ok: true };
}

/**
 * The draft previewed in tab `tabId`, if it applies to `url`, as the overlay receives it.
 * The audience is ignored: authors preview aids meant for others.
 */
export async function previewAids(
  db: InflowDb,
  tabId: number | undefined,
  url: string,
): Promise<ActiveAid[]> {
  if (tabId === undefined) return [];
  const row = (await previewsOf(db)).get(tabId);
  if (!row || !matchesUrl(row.aid.match, url)) return [];
  const key = row.key ?? aidKey(LOCAL_PACK_ID, row.aid.id);
  const packId = splitKey(key)?.packId ?? LOCAL_PACK_ID;
  return [{ key, packId, packVersion: 'draft', aid: row.aid, progress: null, preview: true }];
}

// --- URL tester ---------------------------------------------------------------------------

async function testUrl(deps: RouterDeps, url: string, role?: string): Answer<'authoring.testUrl'> {
  const { db } = deps;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    fail(`not a URL: ${url}`);
  }
  const settings = await settingsOf(deps);
  const viewer = viewerOf({ ...settings, role: role ?? settings.role }, deps.locale);
  const [rows, paused] = await db.transaction('r', db.aids, db.settings, async () => [
    await db.aids.toArray(),
    (await getSetting(db, 'pausedHosts', [])).includes(host),
  ]);
  const results = rows
    .sort((a, b) => packOrder(a, b) || a.order - b.order)
    .map((row): UrlTestResult => {
      const { applies, reasons } = explainMatch(row.aid, url, viewer);
      if (paused) reasons.unshift(`Inflow is paused on ${host} in this browser`);
      return { key: row.key, title: row.aid.title, applies: applies && !paused, reasons };
    });
  return { results };
}

// --- the messages -------------------------------------------------------------------------

/** Answers one authoring.* request (already validated and authorized by the router). */
export async function answerAuthoring(
  request: AuthoringRequest,
  deps: RouterDeps,
): Promise<BackgroundResponses[AuthoringRequest['type']] | ErrorResponse> {
  try {
    switch (request.type) {
      case 'authoring.list':
        return await list(deps);
      case 'authoring.get':
        return await get(deps, request.key);
      case 'authoring.saveDraft':
        return await saveDraft(deps, request.key, request.aid);
      case 'authoring.discardDraft':
        return await discardDraft(deps, request.key);
      case 'authoring.publish':
        return await publish(deps, request.key);
      case 'authoring.restore':
        return await restore(deps, request.key, request.rev);
      case 'authoring.copy':
        return await copy(deps, request.key);
      case 'authoring.delete':
        return await remove(deps, request.key);
      case 'authoring.export':
        return await exportAids(deps, request);
      case 'authoring.import':
        return await importPack(deps, request.text);
      case 'authoring.preview':
        return await preview(deps, request);
      case 'authoring.testUrl':
        return await testUrl(deps, request.url, request.role);
    }
  } catch (e) {
    if (e instanceof AuthoringError) return { error: `${request.type}: ${e.message}` };
    throw e;
  }
}
