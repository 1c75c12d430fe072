/**
 * The soak's object-by-object measure (bench/heap-snapshot.mjs): reading V8's snapshot format
 * and telling what a heap retains from what it allocated and let go.
 */
import { describe, expect, it } from 'vitest';
import { readSnapshot, retained, type SnapshotJson } from '../../../bench/heap-snapshot.mjs';

const TYPES = ['hidden', 'array', 'string', 'object', 'code', 'closure'];

/** A snapshot in V8's format from [type, name, id, self size] rows. */
function snapshot(rows: [string, string, number, number][]): SnapshotJson {
  const strings: string[] = [];
  const nodes: number[] = [];
  for (const [type, name, id, size] of rows) {
    if (!strings.includes(name)) strings.push(name);
    // V8's columns, in its order, with edge_count, trace_node_id and detachedness unused here.
    nodes.push(TYPES.indexOf(type), strings.indexOf(name), id, size, 0, 0, 0);
  }
  return {
    snapshot: {
      meta: {
        node_fields: [
          'type',
          'name',
          'id',
          'self_size',
          'edge_count',
          'trace_node_id',
          'detachedness',
        ],
        node_types: [TYPES, 'string', 'number', 'number', 'number', 'number', 'number'],
      },
    },
    nodes,
    strings,
  };
}

describe('readSnapshot', () => {
  it('reads ids, sizes and groups, naming no string by its text', () => {
    const s = readSnapshot(
      snapshot([
        ['object', 'Session', 3, 40],
        ['string', 'agent 2001 is on a call', 5, 32],
        ['closure', 'onRecords', 7, 28],
      ]),
    );
    expect(s.count).toBe(3);
    expect(s.bytes).toBe(100);
    expect(s.maxId).toBe(7);
    expect([...s.byId.values()].map((n) => n.group)).toEqual(['Session', '(string)', '(closure)']);
  });

  it('refuses a format without the columns it reads', () => {
    const bad = snapshot([['object', 'A', 1, 1]]);
    bad.snapshot.meta.node_fields = ['type', 'name', 'id'];
    expect(() => readSnapshot(bad)).toThrow(/self_size/);
  });
});

describe('retained', () => {
  it('counts objects allocated between the first two snapshots that the third still holds', () => {
    const a = readSnapshot(snapshot([['object', 'Old', 1, 10]]));
    const b = readSnapshot(
      snapshot([
        ['object', 'Old', 1, 10],
        ['object', 'Session', 3, 40], // ends with its page session: gone by c
        ['object', 'Leak', 5, 64],
        ['object', 'Leak', 7, 64],
      ]),
    );
    const c = readSnapshot(
      snapshot([
        ['object', 'Old', 1, 10],
        ['object', 'Leak', 5, 64],
        ['object', 'Leak', 7, 64],
        ['object', 'Session', 9, 40], // the session now: allocated after b
      ]),
    );
    const kept = retained(a, b, c);
    expect(kept.count).toBe(2);
    expect(kept.bytes).toBe(128);
    expect(kept.largest).toEqual([{ group: 'Leak', count: 2, bytes: 128, totals: [0, 128, 128] }]);
  });
});
