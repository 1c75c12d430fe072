/** Types of bench/heap-snapshot.mjs for the unit tests. */

export interface Snapshot {
  byId: Map<number, { group: string; size: number }>;
  /** Bytes of each group in the whole snapshot. */
  groups: Map<string, number>;
  maxId: number;
  bytes: number;
  count: number;
}

export interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[] } };
  nodes: number[];
  strings: string[];
}

export function takeSnapshot(cdp: unknown): Promise<Snapshot>;
export function readSnapshot(json: SnapshotJson): Snapshot;
export function retained(
  a: Snapshot,
  b: Snapshot,
  c: Snapshot,
  top?: number,
): {
  count: number;
  bytes: number;
  largest: { group: string; count: number; bytes: number; totals: number[] }[];
  /** The compiled-code group, among the largest or not. */
  code: { group: string; count: number; bytes: number; totals: number[] };
};
