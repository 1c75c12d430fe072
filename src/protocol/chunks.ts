/**
 * The page side's code that loads on demand: one chunk per aid kind, the help panel's and
 * the touchpoint meter's.
 * The content script holds only the core (sessions, the DOM watcher, the message client, the
 * panel shell); a frame whose aids are of a kind asks the background for that kind's chunk
 * (`page.loadChunk`), and the background injects the chunk's file into that frame; the top
 * frame asks for the help panel's when the person opens it. Only the names below are ever
 * injected: the page names a chunk, never a file.
 *
 * Adding a kind: its module in src/overlay/kinds/, its entrypoint entrypoints/kind-<name>.ts,
 * and its name here.
 */
import type { AidKind } from '../aids/schema';

export const KIND_CHUNKS = [
  'checklist',
  'tip',
  'checks',
  'walkthrough',
] as const satisfies readonly AidKind[];

export type KindChunk = (typeof KIND_CHUNKS)[number];

/**
 * Chunks that are not an aid kind: the help panel (src/overlay/help/), and the touchpoint
 * meter (src/overlay/touchpoints.ts), which only pages on the hosts an organisation measures
 * load (off by default).
 */
export const PAGE_CHUNKS = [...KIND_CHUNKS, 'help', 'touchpoints'] as const;

export type PageChunk = (typeof PAGE_CHUNKS)[number];

/** Fails to compile while some aid kind has no chunk. */
export const EVERY_KIND_HAS_A_CHUNK: Exclude<AidKind, KindChunk> extends never ? true : never =
  true;

/** The file the background injects for a chunk, relative to the extension root. */
export const chunkFile = (name: PageChunk): string =>
  name === 'help' || name === 'touchpoints' ? `${name}.js` : `kind-${name}.js`;

/** True for the name of a chunk this build has. */
export const isKindChunk = (name: string): name is KindChunk =>
  (KIND_CHUNKS as readonly string[]).includes(name);
