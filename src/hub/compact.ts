/**
 * Folds the pending rows that ingest appended (period_pending) into the period rollups: one
 * writer at a time (a transaction-scoped advisory lock, so several hub processes on one
 * PostgreSQL take turns), oldest rows first, deleted in the same transaction that adds them.
 * Ingest itself only appends, so concurrent uploads never wait on the same rollup row.
 *
 * For each pending row: its counts go to the day, week, month and year, for its team and role and
 * for '*' (every team, every role, both); its person gets a number (actor_numbers) and a bit
 * in the bitmaps of the subjects the event belongs to; a skip reason remembers who gave it.
 *
 * Views call `foldPending` before reading, so they always count everything committed.
 */
import { type Selectable, sql } from 'kysely';
import { escapeControls } from '../aids/validate';
import { type BulkColumn, names, unnested } from './db/bulk';
import type { HubDb } from './db/open';
import type { PeriodCountsTable, PeriodPendingTable, PeriodPeopleTable } from './db/schema';
import { ALL, COUNT_KEY, subjectsOf } from './period-rows';
import { BLOCK_BITS, bitText, emptyBits, periodsOf, type Span, setBit } from './periods';

/** Pending rows folded per transaction. */
const BATCH = 20_000;
/** Rows per INSERT statement (PostgreSQL takes at most 65,535 parameters). */
const CHUNK = 1_000;
/** The advisory lock's key: any constant the hub uses for nothing else. */
const LOCK_KEY = 0x1f10_0001;

const COUNT_COLUMNS: BulkColumn<PeriodCountsTable>[] = [
  ['span', 'text'],
  ['start', 'date'],
  ['team', 'text'],
  ['role', 'text'],
  ['pack_id', 'text'],
  ['aid_key', 'text'],
  ['pack_version', 'text'],
  ['step_id', 'text'],
  ['metric', 'text'],
  ['events', 'bigint'],
];
const PEOPLE_COLUMNS: BulkColumn<PeriodPeopleTable>[] = [
  ['span', 'text'],
  ['start', 'date'],
  ['pack_id', 'text'],
  ['aid_key', 'text'],
  ['pack_version', 'text'],
  ['step_id', 'text'],
  ['subject', 'text'],
  ['block', 'integer'],
  ['bits', `bit(${BLOCK_BITS})`],
];

type Trx = Parameters<Parameters<ReturnType<HubDb['transaction']>['execute']>[0]>[0];

const byKey = <T>(m: Map<string, T>) =>
  [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

async function chunked<T>(rows: T[], write: (part: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

/** Numbers for the actors, giving new ones the next free numbers (the lock is held). */
async function numbersOf(trx: Trx, actors: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < actors.length; i += CHUNK) {
    const known = await trx
      .selectFrom('actor_numbers')
      .select(['actor', 'n'])
      .where('actor', 'in', actors.slice(i, i + CHUNK))
      .execute();
    for (const k of known) out.set(k.actor, k.n);
  }
  const fresh = actors.filter((a) => !out.has(a)).sort();
  if (fresh.length > 0) {
    const top = await trx
      .selectFrom('actor_numbers')
      .select((eb) => eb.fn.max('n').as('n'))
      .executeTakeFirst();
    let next = (top?.n ?? -1) + 1;
    const rows = fresh.map((actor) => ({ actor, n: next++ }));
    await chunked(rows, (part) => trx.insertInto('actor_numbers').values(part).execute());
    for (const r of rows) out.set(r.actor, r.n);
  }
  return out;
}

/**
 * The team and role rows a count goes to in a span: a day keeps the team and role as they
 * are and their sum ('*', '*'); a week and a year keep each team over all roles, each role
 * over all teams, and their sum; a month keeps all four (the team and role as they are too).
 * A view filtered by team and role together reads months, and days for the rest of its
 * range.
 */
export function cube(span: Span, team: string, role: string): [string, string][] {
  if (span === 'd') {
    return [
      [team, role],
      [ALL, ALL],
    ];
  }
  const wide: [string, string][] = [
    [team, ALL],
    [ALL, role],
    [ALL, ALL],
  ];
  return span === 'm' ? [[team, role], ...wide] : wide;
}

async function fold(trx: Trx, rows: Selectable<PeriodPendingTable>[]): Promise<void> {
  const numbers = await numbersOf(trx, [...new Set(rows.map((r) => r.actor))]);

  const counts = new Map<string, PeriodCountsTable>();
  const people = new Map<string, { key: Omit<PeriodPeopleTable, 'bits'>; bits: Uint8Array }>();
  const groups = new Map<string, { team: string; role: string; n: number }>();
  const givers = new Map<string, { reason_hash: string; n: number; reason: string }>();

  for (const r of rows) {
    const n = numbers.get(r.actor)!;
    groups.set(JSON.stringify([r.team, r.role, n]), { team: r.team, role: r.role, n });
    const periods = periodsOf(r.day);
    for (const { span, start } of periods) {
      for (const [team, role] of cube(span, r.team, r.role)) {
        const id = JSON.stringify([
          span,
          start,
          team,
          role,
          r.pack_id,
          r.aid_key,
          r.pack_version,
          r.step_id,
          r.metric,
        ]);
        const c = counts.get(id);
        if (c) c.events += r.events;
        else
          counts.set(id, {
            span,
            start,
            team,
            role,
            pack_id: r.pack_id,
            aid_key: r.aid_key,
            pack_version: r.pack_version,
            step_id: r.step_id,
            metric: r.metric,
            events: r.events,
          });
      }
    }
    if (r.metric.startsWith('reason:')) {
      const reason_hash = r.metric.slice('reason:'.length);
      givers.set(JSON.stringify([reason_hash, n]), { reason_hash, n, reason: r.detail ?? '' });
      continue;
    }
    // People belong to subjects by event type: only the plain event-type metric says which.
    if (r.metric.includes(':')) continue;
    const block = Math.floor(n / BLOCK_BITS);
    for (const [stepId, subject] of subjectsOf(r.metric, r.step_id)) {
      for (const { span, start } of periods) {
        const id = JSON.stringify([
          span,
          start,
          r.pack_id,
          r.aid_key,
          r.pack_version,
          stepId,
          subject,
          block,
        ]);
        let p = people.get(id);
        if (!p) {
          p = {
            key: {
              span,
              start,
              pack_id: r.pack_id,
              aid_key: r.aid_key,
              pack_version: r.pack_version,
              step_id: stepId,
              subject,
              block,
            },
            bits: emptyBits(),
          };
          people.set(id, p);
        }
        setBit(p.bits, n % BLOCK_BITS);
      }
    }
  }

  await chunked(byKey(groups), (part) =>
    trx
      .insertInto('actor_groups')
      .values(part)
      .onConflict((c) => c.doNothing())
      .execute(),
  );
  await chunked(byKey(counts), (part) =>
    trx
      .insertInto('period_counts')
      .columns(names(COUNT_COLUMNS))
      .expression(unnested(part, COUNT_COLUMNS))
      .onConflict((c) =>
        c.columns([...COUNT_KEY]).doUpdateSet((eb) => ({
          events: eb('period_counts.events', '+', eb.ref('excluded.events')),
        })),
      )
      .execute(),
  );
  await chunked(byKey(people), (part) =>
    trx
      .insertInto('period_people')
      .columns(names(PEOPLE_COLUMNS))
      .expression(
        unnested(
          part.map((p) => ({ ...p.key, bits: bitText(p.bits) })),
          PEOPLE_COLUMNS,
        ),
      )
      .onConflict((c) =>
        c
          .columns([
            'span',
            'start',
            'pack_id',
            'aid_key',
            'pack_version',
            'step_id',
            'subject',
            'block',
          ])
          .doUpdateSet({ bits: sql`period_people.bits | excluded.bits` }),
      )
      .execute(),
  );
  if (givers.size > 0) {
    const added: { reason_hash: string }[] = [];
    await chunked(byKey(givers), async (part) => {
      added.push(
        ...(await trx
          .insertInto('reason_givers')
          .values(part.map(({ reason_hash, n }) => ({ reason_hash, n })))
          .onConflict((c) => c.doNothing())
          .returning('reason_hash')
          .execute()),
      );
    });
    const textOf = new Map([...givers.values()].map((g) => [g.reason_hash, g.reason]));
    const newGivers = new Map<string, number>();
    for (const a of added) newGivers.set(a.reason_hash, (newGivers.get(a.reason_hash) ?? 0) + 1);
    const texts = [...newGivers]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([reason_hash, count]) => ({
        reason_hash,
        reason: textOf.get(reason_hash)!,
        givers: count,
      }));
    await chunked(texts, (part) =>
      trx
        .insertInto('reason_texts')
        .values(part)
        .onConflict((c) =>
          c.column('reason_hash').doUpdateSet((eb) => ({
            givers: eb('reason_texts.givers', '+', eb.ref('excluded.givers')),
          })),
        )
        .execute(),
    );
  }
}

/**
 * Folds up to `limit` of the oldest pending rows with an id up to `upTo`; resolves to how
 * many were folded (0 when none were pending).
 */
export async function foldSome(db: HubDb, upTo: number, limit = BATCH): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_KEY)})`.execute(trx);
    const rows = await trx
      .deleteFrom('period_pending')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('period_pending')
          .select('id')
          .where('id', '<=', upTo)
          .orderBy('id')
          .limit(limit),
      )
      .returningAll()
      .execute();
    if (rows.length > 0) await fold(trx, rows);
    return rows.length;
  });
}

/**
 * Folds every row pending now (not those appended meanwhile, so a steady ingest cannot keep
 * a view waiting); resolves to how many.
 */
export async function foldPending(db: HubDb): Promise<number> {
  const top = await db
    .selectFrom('period_pending')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  if (top?.id == null) return 0;
  let total = 0;
  for (;;) {
    const n = await foldSome(db, Number(top.id));
    total += n;
    if (n === 0) return total;
  }
}

/** How long after an upload the pending rows are folded: uploads in between are folded together. */
export const FOLD_DELAY_MS = 1_000;

export interface Folder {
  /** Folds what is pending a moment from now (once, however many uploads ask meanwhile). */
  soon(): void;
  /** Resolves once no fold is waiting or running (for tests and shutdown). */
  idle(): Promise<void>;
}

/**
 * Folds after uploads, off the request path, so the pending rows stay few even when nobody
 * reads a view. A failed fold leaves its rows pending (its transaction rolled back): the next
 * upload or view folds them.
 */
export function createFolder(db: HubDb, log?: (line: string) => void): Folder {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> = Promise.resolve();
  return {
    soon() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        running = running.then(() =>
          foldPending(db).then(
            () => undefined,
            (e: Error) => log?.(escapeControls(`folding the period rollups failed: ${e.message}`)),
          ),
        );
      }, FOLD_DELAY_MS);
      timer.unref?.();
    },
    async idle() {
      if (timer) {
        clearTimeout(timer);
        timer = null;
        running = running.then(() => foldPending(db).then(() => undefined));
      }
      await running;
    },
  };
}
