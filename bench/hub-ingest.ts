/**
 * How fast the hub stores events: N events (default 10,000) in batches of HUB_MAX_BATCH
 * through the Hono app (validation, token check, one transaction per batch), on PGlite in a
 * new data directory, or on PostgreSQL when DATABASE_URL is set. Then the same batches
 * again, which must all be duplicates.
 *
 *   npx tsx bench/hub-ingest.ts [events]
 *   DATABASE_URL=postgres://… npx tsx bench/hub-ingest.ts [events]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHubApp } from '../src/hub/app';
import { openDatabase } from '../src/hub/db/open';
import { createDevice } from '../src/hub/devices';
import { HUB_MAX_BATCH, type HubEvent } from '../src/protocol/hub';

const total = Number(process.argv[2] ?? 10_000);
const url = process.env.DATABASE_URL;
const dir = url ? undefined : await mkdtemp(join(tmpdir(), 'inflow-hub-bench-'));

let t = performance.now();
const db = await openDatabase(url ? { databaseUrl: url } : { dataDir: dir! });
const openMs = performance.now() - t;
const { token } = await createDevice(db, 'bench');
const app = createHubApp({ db, limits: { requestsPerMinute: 1_000_000 } });

const now = Date.now();
const events: HubEvent[] = Array.from({ length: total }, (_, i) => ({
  id: `bench-${now}-${i}`,
  type: i % 5 === 0 ? 'aid_shown' : 'step_done',
  aidKey: `crm/aid-${i % 20}`,
  aidId: `aid-${i % 20}`,
  packId: 'crm',
  packVersion: '1.0.0',
  stepId: i % 5 === 0 ? undefined : `step-${i % 7}`,
  url: 'https://crm.example.com/contacts/new',
  at: now - (i % 30) * 86_400_000,
  recordedAt: now,
  actor: `actor-${i % 300}`,
  team: `team-${i % 4}`,
}));

async function send(): Promise<{ ms: number; accepted: number; duplicates: number }> {
  const start = performance.now();
  let accepted = 0;
  let duplicates = 0;
  for (let i = 0; i < events.length; i += HUB_MAX_BATCH) {
    const res = await app.request('/api/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ events: events.slice(i, i + HUB_MAX_BATCH) }),
    });
    if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
    const answer = (await res.json()) as { accepted: number; duplicates: number };
    accepted += answer.accepted;
    duplicates += answer.duplicates;
  }
  return { ms: performance.now() - start, accepted, duplicates };
}

const first = await send();
const again = await send();
const rollups = await db
  .selectFrom('daily_rollups')
  .select((eb) => eb.fn.sum<number>('events').as('n'))
  .executeTakeFirstOrThrow();
t = performance.now();
await db.destroy();
if (dir) await rm(dir, { recursive: true, force: true });

const rate = (r: { ms: number }) => Math.round((total / r.ms) * 1000);
console.log(`backend: ${url ? 'PostgreSQL' : 'PGlite (new data directory)'}`);
console.log(`open + migrate: ${Math.round(openMs)} ms`);
console.log(
  `first send: ${total} events in ${Math.round(first.ms)} ms (${rate(first)}/s), accepted ${first.accepted}`,
);
console.log(
  `same again: ${Math.round(again.ms)} ms (${rate(again)}/s), duplicates ${again.duplicates}`,
);
console.log(`rollup total: ${Number(rollups.n)} (${total} on an empty database)`);
