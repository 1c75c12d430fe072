/**
 * What a renderer's heap keeps, object by object: V8 heap snapshots taken over CDP, and the
 * three-snapshot comparison that tells retained objects from garbage not yet collected.
 *
 * A snapshot is taken after a full garbage collection and holds every object still reachable,
 * each with an id that stays the same across snapshots of the same renderer. Objects get their
 * ids in increasing order the first time a snapshot sees them, so the objects of a later
 * snapshot whose id is above the largest id of an earlier one were allocated after it.
 * Objects allocated between snapshots 1 and 2 and still present in snapshot 3 (minutes later)
 * are what the heap retains: a session's objects that end with it are gone by then.
 */

/** Takes a heap snapshot of the renderer behind `cdp` (HeapProfiler enabled) and reads it. */
export async function takeSnapshot(cdp) {
  const chunks = [];
  const onChunk = ({ chunk }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  }
  return readSnapshot(JSON.parse(chunks.join('')));
}

/** The group of V8's bytecode, compiled code and function metadata. */
const COMPILED_CODE = '(compiled code)';

/** What a group is called: a string's text or a number's value is not a name. */
function groupOf(type, name) {
  switch (type) {
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(string)';
    case 'number':
    case 'heap number':
      return '(number)';
    case 'code':
      return COMPILED_CODE;
    case 'closure':
      return '(closure)';
    case 'regexp':
      return '(regexp)';
    case 'array':
      return `(array) ${name}`;
    default:
      return name.length > 60 ? `${name.slice(0, 57)}…` : name;
  }
}

/**
 * Reads V8's heap snapshot format (`snapshot.meta.node_fields` names the columns of the flat
 * `nodes` array; `name` indexes `strings`; `type` indexes `meta.node_types[0]`).
 * @returns {{ byId: Map<number, { group: string, size: number }>, groups: Map<string, number>, maxId: number, bytes: number, count: number }}
 */
export function readSnapshot(json) {
  const { node_fields: fields, node_types: nodeTypes } = json.snapshot.meta;
  const width = fields.length;
  const at = (field) => {
    const i = fields.indexOf(field);
    if (i < 0) throw new Error(`heap snapshot: no node field "${field}"`);
    return i;
  };
  const [iType, iName, iId, iSize] = ['type', 'name', 'id', 'self_size'].map(at);
  const types = nodeTypes[iType];
  const { nodes, strings } = json;
  const byId = new Map();
  const groups = new Map();
  let maxId = 0;
  let bytes = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const id = nodes[i + iId];
    const size = nodes[i + iSize];
    const group = groupOf(types[nodes[i + iType]], strings[nodes[i + iName]] ?? '');
    byId.set(id, { group, size });
    groups.set(group, (groups.get(group) ?? 0) + size);
    if (id > maxId) maxId = id;
    bytes += size;
  }
  return { byId, groups, maxId, bytes, count: byId.size };
}

/**
 * Objects allocated between snapshots `a` and `b` and still present in `c`: their count,
 * their bytes and the largest groups by bytes, each with its group's whole size in the three
 * snapshots (objects that replace others of their group, as compiled code that V8 drops and
 * compiles again, leave that size flat); compiled code also on its own, whether it is among
 * the largest or not.
 */
export function retained(a, b, c, top = 8) {
  const groups = new Map();
  let count = 0;
  let bytes = 0;
  for (const [id, node] of c.byId) {
    if (id <= a.maxId || !b.byId.has(id)) continue;
    count++;
    bytes += node.size;
    const g = groups.get(node.group) ?? { group: node.group, count: 0, bytes: 0 };
    g.count++;
    g.bytes += node.size;
    groups.set(node.group, g);
  }
  const withTotals = (g) => ({ ...g, totals: [a, b, c].map((s) => s.groups.get(g.group) ?? 0) });
  const largest = [...groups.values()]
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, top)
    .map(withTotals);
  const code = withTotals(
    groups.get(COMPILED_CODE) ?? { group: COMPILED_CODE, count: 0, bytes: 0 },
  );
  return { count, bytes, largest, code };
}
