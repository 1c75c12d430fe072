/**
 * Installing aid packs into the store.
 *
 * A pack and its aids are replaced in one transaction, so a lookup sees either the old
 * version or the new one, never a mix. An invalid pack is refused with its problems and
 * never replaces what is installed.
 */
import type { Aid, Pack } from '../aids/schema';
import { hostKeyOfPattern } from '../aids/url-match';
import { compareVersions, type Problem, parsePack } from '../aids/validate';
import { inSlices } from '../aids/validate-sliced';
import type { AidRow, InflowDb, PackRow, PackSource } from './db';
import { AIDS_PER_WRITE, readHostIndexMeta, writeHostIndex } from './host-index';
import { whileReplacingAids } from './lookup';

export type InstallResult =
  | { ok: true; status: 'installed'; pack: PackRow; previousVersion?: string }
  | { ok: true; status: 'skipped'; reason: string; installed: PackRow }
  | { ok: false; problems: Problem[] };

export interface InstallOptions {
  source?: PackSource;
  now?: number;
  /**
   * Decides, inside the install transaction, whether `pack` may replace `installed`.
   * Returns a reason to skip, or null to install. Default: `defaultPolicy`.
   */
  policy?: (pack: Pack, installed: PackRow, source: PackSource) => string | null;
  /**
   * The pack's installed row (null: none) when the caller read it in the transaction that
   * this install joins: a big pack's row is megabytes, not worth reading twice.
   */
  installed?: PackRow | null;
  /** Called first thing inside the install's transaction (a hold's claim, see lookup.ts). */
  claim?: () => void;
}

/** The key of an aid in the store. */
export function aidKey(packId: string, aidId: string): string {
  return `${packId}/${aidId}`;
}

/** Distinct index keys of a list of URL patterns. */
export function hostKeysOf(urls: readonly string[]): string[] {
  return [...new Set(urls.map(hostKeyOfPattern))];
}

/** The aid rows of a validated pack. */
export function aidRowsOf(pack: Pack): AidRow[] {
  return pack.aids.map((aid, order) => aidRowOf(pack, aid, order));
}

function aidRowOf(pack: Pack, aid: Aid, order: number): AidRow {
  return {
    key: aidKey(pack.id, aid.id),
    packId: pack.id,
    packVersion: pack.version,
    aidId: aid.id,
    kind: aid.kind,
    hostKeys: hostKeysOf(aid.match.urls),
    order,
    aid,
  };
}

/** aidRowsOf, giving the event loop back between slices (host keys compile URL patterns). */
export async function aidRowsInSlices(pack: Pack): Promise<AidRow[]> {
  const rows: AidRow[] = [];
  await inSlices()(pack.aids, (aid, order) => rows.push(aidRowOf(pack, aid, order)));
  return rows;
}

/**
 * Replaces a validated pack's row and all its aid rows, and brings the aids by host key in
 * line (host-index.ts). Call it inside a read-write transaction on `packs`, `aids` and
 * `hostIndex`, so that a lookup sees the old version or the new one, never a mix.
 */
export async function writePackRows(
  db: InflowDb,
  row: PackRow,
  aids: AidRow[] = aidRowsOf(row.pack),
): Promise<void> {
  // Read before the writes to `aids`, which mark the index stale until it is written back.
  const index = await readHostIndexMeta(db);
  // Only the aids that the new version no longer has are deleted: a put replaces the others.
  // (Deleting every row first cost as much as writing them all again, ~1 s for 5,000 aids.)
  const kept = new Set(aids.map((aid) => aid.key));
  const installed = (await db.aids.where('packId').equals(row.id).primaryKeys()) as string[];
  const gone = installed.filter((key) => !kept.has(key));
  if (gone.length) await db.aids.bulkDelete(gone);
  for (let i = 0; i < aids.length; i += AIDS_PER_WRITE) {
    await db.aids.bulkPut(aids.slice(i, i + AIDS_PER_WRITE));
  }
  await writeHostIndex(db, row.id, aids, index);
  await db.packs.put(row);
}

/**
 * From this many aids, an install lets lookups answer from the previous version while it
 * writes (whileReplacingAids). A smaller pack's write is over sooner than that snapshot of
 * every aid would be read.
 */
export const SNAPSHOT_FROM_AIDS = 500;

/**
 * Runs `install`, a transaction that installs `pack` (it calls `claim` first), with
 * lookups answered from the previous version meanwhile when the pack is big.
 */
export function answeringFromPrevious<T>(
  db: InflowDb,
  pack: Pack,
  install: (claim: () => void) => Promise<T>,
  fromAids: number = SNAPSHOT_FROM_AIDS,
): Promise<T> {
  return pack.aids.length >= fromAids ? whileReplacingAids(db, install) : install(() => {});
}

/** Former versions kept per pack (packHistory), for rolling back. */
export const HISTORY_PER_PACK = 5;

/**
 * Keeps `replaced` in packHistory (in the caller's transaction), and only the newest
 * HISTORY_PER_PACK former versions of that pack.
 */
async function keepInHistory(db: InflowDb, replaced: PackRow, now: number): Promise<void> {
  await db.packHistory.put({ ...replaced, replacedAt: now });
  // Counted first: each row is a whole pack, read only when one must go.
  if ((await db.packHistory.where('id').equals(replaced.id).count()) <= HISTORY_PER_PACK) return;
  const rows = await db.packHistory.where('id').equals(replaced.id).toArray();
  rows.sort((a, b) => b.replacedAt - a.replacedAt);
  await db.packHistory.bulkDelete(
    rows.slice(HISTORY_PER_PACK).map((row): [string, string] => [row.id, row.version]),
  );
}

/** A pack never replaces a higher version unless it says `rollback: true`. */
export function defaultPolicy(pack: Pack, installed: PackRow): string | null {
  if (compareVersions(pack.version, installed.version) < 0 && !pack.rollback) {
    return `version ${pack.version} is lower than the installed ${installed.version}`;
  }
  return null;
}

/**
 * Bundled packs ship with the extension. One is installed when its id is missing, when it is
 * newer than what is installed, or when the installed copy is itself the bundled one in a
 * different version (the extension was updated or rolled back). A pack that an
 * administrator installed at an equal or higher version is kept.
 */
export function bundledPolicy(pack: Pack, installed: PackRow): string | null {
  const cmp = compareVersions(pack.version, installed.version);
  if (cmp === 0) return `version ${installed.version} is already installed`;
  if (installed.source === 'bundled' || cmp > 0) return null;
  return `a ${installed.source} pack with version ${installed.version} is installed`;
}

/**
 * Validates `input` and installs it: the pack row and all its aid rows are replaced in one
 * transaction, which also keeps the replaced version in packHistory. Invalid input is refused
 * with problems and changes nothing.
 */
export async function installPack(
  db: InflowDb,
  input: unknown,
  options: InstallOptions = {},
): Promise<InstallResult> {
  const parsed = parsePack(input);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const pack = parsed.value;
  return answeringFromPrevious(db, pack, (claim) =>
    installValidPack(db, pack, { ...options, claim }),
  );
}

/**
 * installPack for a pack the caller has just validated (parsePack or parsePackInSlices
 * gave it): the work of validating a big pack is not done twice. `aids`, its rows, may be
 * made ahead (aidRowsInSlices), outside the caller's transaction.
 */
export async function installValidPack(
  db: InflowDb,
  pack: Pack,
  options: InstallOptions = {},
  aids: AidRow[] = aidRowsOf(pack),
): Promise<Extract<InstallResult, { ok: true }>> {
  const source = options.source ?? 'import';
  const policy = options.policy ?? defaultPolicy;
  const row: PackRow = {
    id: pack.id,
    version: pack.version,
    title: pack.title,
    source,
    installedAt: options.now ?? Date.now(),
    pack,
  };
  const tables = [db.packs, db.aids, db.hostIndex, db.packHistory];
  return db.transaction('rw', tables, async (): Promise<Extract<InstallResult, { ok: true }>> => {
    options.claim?.();
    const installed =
      options.installed === undefined
        ? await db.packs.get(pack.id)
        : (options.installed ?? undefined);
    if (installed) {
      const reason = policy(pack, installed, source);
      if (reason) return { ok: true, status: 'skipped', reason, installed };
      // The version it replaces stays available for a rollback.
      if (installed.version !== pack.version) await keepInHistory(db, installed, row.installedAt);
    }
    await writePackRows(db, row, aids);
    return installed
      ? { ok: true, status: 'installed', pack: row, previousVersion: installed.version }
      : { ok: true, status: 'installed', pack: row };
  });
}

/** Removes a pack and its aids (progress and events are kept). */
export async function removePack(db: InflowDb, packId: string): Promise<boolean> {
  return db.transaction('rw', db.packs, db.aids, db.hostIndex, async () => {
    const existed = (await db.packs.get(packId)) !== undefined;
    const index = await readHostIndexMeta(db);
    await db.aids.where('packId').equals(packId).delete();
    await writeHostIndex(db, packId, [], index);
    await db.packs.delete(packId);
    return existed;
  });
}

export interface BundledPack {
  /** Where the pack came from, for logs ("/aids/crm/pack.json"). */
  file: string;
  json: unknown;
}

export interface BundledInstallReport {
  installed: string[];
  skipped: string[];
  failed: { file: string; problems: Problem[] }[];
}

/** Installs every bundled pack that the bundled policy lets through. */
export async function installBundledPacks(
  db: InflowDb,
  packs: readonly BundledPack[],
  now: number = Date.now(),
): Promise<BundledInstallReport> {
  const report: BundledInstallReport = { installed: [], skipped: [], failed: [] };
  for (const { file, json } of packs) {
    const result = await installPack(db, json, { source: 'bundled', now, policy: bundledPolicy });
    if (!result.ok) report.failed.push({ file, problems: result.problems });
    else if (result.status === 'installed') {
      report.installed.push(`${result.pack.id}@${result.pack.version}`);
    } else report.skipped.push(`${result.installed.id}: ${result.reason}`);
  }
  return report;
}
