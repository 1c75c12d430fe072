/**
 * The simulated browsers of the ingest bench, in a process of their own so their work (making
 * and sending batches) does not share the hub's event loop: reads {url, tokens, batches,
 * nowMs} as JSON on stdin, has every token send its batches one after another, all tokens at
 * once, and prints {accepted, events, seconds, latencies, failures} as JSON on stdout.
 */
import type { HubEvent } from '../src/protocol/hub';
import { FLEET, fleetEvent } from './hub-fleet';

interface Plan {
  url: string;
  tokens: string[];
  batches: number;
  nowMs: number;
}

/** A small seeded PRNG (mulberry32), so every run sends the same batch sizes. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const plan = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Plan;

const rnd = random(42);
let serial = 0;
// Each browser is used by up to 4 people (4,000 people over 1,000 browsers) and sends what
// they did in the last two hours. Bodies are made before the clock starts.
const bodies = plan.tokens.map((token, b) => ({
  token,
  bodies: Array.from({ length: plan.batches }, () => {
    const size = 20 + Math.floor(rnd() * 81);
    const events = Array.from({ length: size }, (): HubEvent => {
      const i = serial++;
      return fleetEvent(i, plan.nowMs, {
        actor: (b * 4 + (i % 4)) % FLEET.actors,
        withinMs: 2 * 3_600_000,
      });
    });
    return JSON.stringify({ events });
  }),
}));

const latencies: number[] = [];
const failures: string[] = [];
let accepted = 0;
const started = performance.now();
await Promise.all(
  bodies.map(async ({ token, bodies }) => {
    for (const body of bodies) {
      const t = performance.now();
      try {
        const res = await fetch(plan.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        const text = await res.text();
        latencies.push(performance.now() - t);
        if (res.status === 200) accepted += (JSON.parse(text) as { accepted: number }).accepted;
        else failures.push(`${res.status} ${text.slice(0, 200)}`);
      } catch (e) {
        const cause = (e as Error & { cause?: Error }).cause;
        failures.push(`${(e as Error).message}${cause ? `: ${cause.message}` : ''}`);
      }
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ accepted, events: serial, seconds, latencies, failures }));
