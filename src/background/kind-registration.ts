/**
 * Where the kinds' chunks run as content scripts of their own. A frame loads a kind's chunk
 * on demand (page.loadChunk), which needs an answer from the service worker, and a stopped
 * worker takes a few hundred milliseconds to start. So the top frames of the hosts that have
 * aids of a kind get that kind's chunk from the browser at document_start, with the core:
 * a first paint (first-paint.ts) can then show its aids while the worker starts, and a
 * warm lookup has no chunk to wait for.
 *
 * One registration per kind (`inflow-kind-<kind>`), on the hosts of that kind's aids (the
 * same host keys as the core's registration, registration.ts), top frame only: a sub-frame
 * still loads the chunks of what it shows on demand. A whole host, not the paths of the aids'
 * patterns: business apps change their path without loading a page. A tip shown in a frame
 * (`target.frame`) needs no chunk in the top frame.
 */
import type { Aid } from '../aids/schema';
import { hostKeyOfPattern } from '../aids/url-match';
import { chunkFile, KIND_CHUNKS, type KindChunk } from '../protocol/chunks';
import type { InflowDb } from './db';
import { matchPatternsOf, type ScriptingApi, sameList } from './registration';

export const kindScriptId = (kind: KindChunk): string => `inflow-kind-${kind}`;

/** The match patterns of the top frames that get each kind's chunk; kinds without aids: none. */
export function kindMatches(aids: Iterable<Aid>): Map<KindChunk, string[]> {
  const hostKeys = new Map<KindChunk, Set<string>>(KIND_CHUNKS.map((k) => [k, new Set()]));
  for (const aid of aids) {
    if (aid.kind === 'tip' && aid.target.frame) continue;
    const keys = hostKeys.get(aid.kind);
    for (const pattern of aid.match.urls) keys?.add(hostKeyOfPattern(pattern));
  }
  return new Map([...hostKeys].map(([kind, keys]) => [kind, matchPatternsOf(keys)]));
}

/** Registers, updates or unregisters each kind's chunk so that it runs exactly on `matches`. */
export async function applyKindRegistrations(
  scripting: ScriptingApi,
  matches: Map<KindChunk, string[]>,
): Promise<string[]> {
  const ids = KIND_CHUNKS.map(kindScriptId);
  const current = new Map(
    (await scripting.getRegisteredContentScripts({ ids })).map((s) => [s.id, s]),
  );
  const changes: string[] = [];
  for (const kind of KIND_CHUNKS) {
    const id = kindScriptId(kind);
    const want = matches.get(kind) ?? [];
    const now = current.get(id);
    if (!want.length) {
      if (now) {
        await scripting.unregisterContentScripts({ ids: [id] });
        changes.push(`${kind}: unregistered`);
      }
      continue;
    }
    const script = {
      id,
      matches: want,
      js: [chunkFile(kind)],
      // With the core, before the page's own scripts: the chunk only registers its kind.
      runAt: 'document_start' as const,
      allFrames: false,
      persistAcrossSessions: true,
    };
    if (!now) {
      await scripting.registerContentScripts([script]);
      changes.push(`${kind}: registered`);
    } else if (!sameList(now.matches, want) || !sameList(now.js, script.js) || now.allFrames) {
      await scripting.updateContentScripts([script]);
      changes.push(`${kind}: updated`);
    }
  }
  return changes;
}

/** Makes the kinds' registrations follow the installed aids. */
export async function syncKindRegistrations(
  db: InflowDb,
  scripting: ScriptingApi,
): Promise<string[]> {
  const rows = await db.aids.toArray();
  return applyKindRegistrations(scripting, kindMatches(rows.map((row) => row.aid)));
}
