/**
 * Words for the ids the hub's API answers with: pack and aid titles and step texts from
 * `GET /api/packs` (the newest stored version of each pack), the id itself when a pack was
 * never added to the hub or no longer has that aid or step.
 */
import type { PackNames } from '../../protocol/packs';

interface AidNames {
  title: string;
  kind: string;
  /** Step id -> its text, in the aid's order. */
  steps: Map<string, string>;
  /** Position in its pack, for ordering. */
  index: number;
}

export interface Names {
  packTitle(packId: string): string | undefined;
  aid(aidKey: string): AidNames | undefined;
}

export function namesOf(packs: PackNames[]): Names {
  const packTitles = new Map(packs.map((p) => [p.id, p.title]));
  const aids = new Map<string, AidNames>();
  for (const p of packs) {
    for (const [index, a] of p.aids.entries()) {
      const steps = new Map(a.steps.map((s) => [s.id, s.text]));
      aids.set(a.key, { title: a.title, kind: a.kind, steps, index });
    }
  }
  return { packTitle: (id) => packTitles.get(id), aid: (key) => aids.get(key) };
}

export const NO_NAMES: Names = namesOf([]);

/** The aid id of an aid key ('pack/aid' -> 'aid'). */
export const aidIdOf = (aidKey: string) => aidKey.slice(aidKey.indexOf('/') + 1);
