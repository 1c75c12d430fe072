/**
 * The first paint: what a top frame may show before the background answers its lookup. The
 * background writes it to the extension's local storage (src/background/first-paint.ts)
 * whenever what it would show changes: after every install, a change of who is looking
 * (role, team, locale), a site paused or resumed, the compact panel chosen. The overlay
 * reads it at document_start (src/overlay/first-paint.ts) without waking a stopped service
 * worker, shows those aids while the worker starts, and replaces them with the lookup's
 * answer as soon as it comes: the store stays the one source of truth, and nothing shown
 * from here is ever recorded.
 *
 * It is derived data: the published aids for this person, grouped by the host keys the
 * store indexes them under (src/aids/url-match.ts, hostKeyOfPattern), without progress,
 * drafts or anything of the person's own beyond the sites they paused.
 */
import type { Aid } from '../aids/schema';

/** The storage key of the settings part; each host key's aids are under `${FIRST_PAINT}:<key>`. */
export const FIRST_PAINT = 'firstPaint';

/** Bumped when the shape below changes: an overlay ignores a first paint of another format. */
export const FIRST_PAINT_FORMAT = 1;

export interface FirstPaintSettings {
  format: number;
  /** Hosts the person paused Inflow on: nothing shows there. */
  paused: string[];
  /** The person's choice of the compact checklist panel. */
  compact: boolean;
  /** The host keys that have an entry, so the next write removes those that are gone. */
  hostKeys: string[];
}

/** One aid as a lookup would hand it over, less progress; `rank` is its pack and author order. */
export interface FirstPaintAid {
  key: string;
  packId: string;
  packVersion: string;
  aid: Aid;
  rank: number;
}

export interface FirstPaintEntry {
  aids: FirstPaintAid[];
}

export const firstPaintKey = (hostKey: string): string => `${FIRST_PAINT}:${hostKey}`;
