/**
 * Published packs kept by the hub, so its fleet views can name aids and steps: the rollups
 * hold ids only. A pack is checked with the parser `inflow validate` and the extension use
 * (src/aids/validate.ts) before it is kept; a broken one is refused and never replaces what
 * is stored. One row per pack id and version: a stored version keeps its content, so other
 * content under the same version is refused (publish a new version instead).
 *
 * Names come from the newest stored version of each pack (versions compared numerically),
 * as plain text: step texts lose their markdown.
 */
// Node has no URLPattern: without it the URL patterns of a pack would go unchecked.
import 'urlpattern-polyfill';
import canonicalize from 'canonicalize';
import { plainText } from '../aids/markdown';
import type { Pack } from '../aids/schema';
import { compareVersions, type Problem, parsePackText } from '../aids/validate';
import type { PackNames } from '../protocol/packs';
import type { HubDb } from './db/open';

export type AddPackResult =
  | { ok: true; id: string; version: string; added: boolean }
  | { ok: false; status: 400 | 409; error: string; problems: Problem[] };

/**
 * Validates the JSON text of a pack and keeps it. `added` is false when the same version was
 * already stored with the same content (adding it again changes nothing).
 */
export async function addPack(db: HubDb, text: string, now: Date): Promise<AddPackResult> {
  const parsed = parsePackText(text.replace(/^\uFEFF/, ''));
  if (!parsed.ok) {
    return { ok: false, status: 400, error: 'invalid pack', problems: parsed.problems };
  }
  const pack = parsed.value;
  const data = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  const json = canonicalize(data) ?? JSON.stringify(data);
  // Inserted unless this version is already there; then it must be the same content.
  const inserted = await db
    .insertInto('packs')
    .values({ id: pack.id, version: pack.version, pack: json, added_at: now })
    .onConflict((oc) => oc.columns(['id', 'version']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { ok: true, id: pack.id, version: pack.version, added: true };
  const stored = await db
    .selectFrom('packs')
    .select('pack')
    .where('id', '=', pack.id)
    .where('version', '=', pack.version)
    .executeTakeFirstOrThrow();
  if (canonicalize(stored.pack) === json) {
    return { ok: true, id: pack.id, version: pack.version, added: false };
  }
  return {
    ok: false,
    status: 409,
    error: `version ${pack.version} of pack "${pack.id}" is already stored with other content: give the changed pack a new version`,
    problems: [{ path: 'version', message: 'already stored with other content' }],
  };
}

function namesOf(pack: Pack): PackNames {
  return {
    id: pack.id,
    version: pack.version,
    title: pack.title,
    aids: pack.aids.map((aid) => ({
      id: aid.id,
      key: `${pack.id}/${aid.id}`,
      title: aid.title,
      kind: aid.kind,
      // A field check is named by its message.
      steps:
        aid.kind === 'checklist' || aid.kind === 'walkthrough'
          ? aid.steps.map((s) => ({ id: s.id, text: plainText(s.text) }))
          : aid.kind === 'checks'
            ? aid.checks.map((c) => ({ id: c.id, text: c.message }))
            : [],
    })),
  };
}

/** The names of the newest stored version of every pack, by pack id. */
export async function packNames(db: HubDb): Promise<PackNames[]> {
  const rows = await db.selectFrom('packs').select(['id', 'version']).execute();
  const newest = new Map<string, string>();
  for (const r of rows) {
    const seen = newest.get(r.id);
    if (seen === undefined || compareVersions(r.version, seen) > 0) newest.set(r.id, r.version);
  }
  const out: PackNames[] = [];
  for (const [id, version] of [...newest].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const row = await db
      .selectFrom('packs')
      .select('pack')
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirstOrThrow();
    // Validated when it was added: read back as the pack it was.
    out.push(namesOf(row.pack as Pack));
  }
  return out;
}
