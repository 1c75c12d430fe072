/**
 * Sends events to the background one at a time, in order, retrying with backoff when the
 * background cannot take them (a worker waking up, an extension update). The background
 * makes them durable; this queue only bridges the gap.
 */
import { askBackground, Refused } from '../protocol/client';
import type { EventInput } from '../protocol/messages';

const RETRY_MS = [200, 1000, 3000, 10000, 30000];

export interface Outbox {
  /** Queues `event`; resolves as drain() does, once it and those before it are stored. */
  send(event: EventInput): Promise<void>;
  /** Resolves when everything queued so far has been stored (or given up on). */
  drain(): Promise<void>;
  pending(): number;
}

export function createOutbox(
  deliver: (event: EventInput) => Promise<unknown> = (event) =>
    askBackground({ type: 'event.record', event }),
  wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Outbox {
  const queue: EventInput[] = [];
  let running: Promise<void> | null = null;

  async function run(): Promise<void> {
    while (queue.length) {
      const event = queue[0]!;
      for (let attempt = 0; ; attempt++) {
        try {
          await deliver(event);
          break;
        } catch (e) {
          // A refusal is final (the background said why); anything else is the channel.
          if (e instanceof Refused || attempt >= RETRY_MS.length) {
            console.warn('[inflow] could not record event', event.type, e);
            break;
          }
          await wait(RETRY_MS[attempt]!);
        }
      }
      queue.shift();
    }
    running = null;
  }

  return {
    send(event) {
      queue.push(event);
      running ??= run();
      return running;
    },
    drain: () => running ?? Promise.resolve(),
    pending: () => queue.length,
  };
}
