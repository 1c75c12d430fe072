import { describe, expect, it } from 'vitest';
import { createOutbox } from '../../../src/overlay/outbox';
import type { EventInput } from '../../../src/protocol/messages';

const event = (stepId: string): EventInput => ({
  type: 'step_done',
  aidKey: 'p/a',
  stepId,
  url: 'http://x.localhost/',
  at: 1,
});

describe('outbox', () => {
  it('delivers in order and retries a failed delivery instead of dropping it', async () => {
    const delivered: string[] = [];
    let failures = 2;
    const outbox = createOutbox(
      async (e) => {
        if (e.stepId === 'b' && failures-- > 0) throw new Error('worker asleep');
        delivered.push(e.stepId!);
      },
      async () => {},
    );
    outbox.send(event('a'));
    outbox.send(event('b'));
    outbox.send(event('c'));
    await outbox.drain();
    expect(delivered).toEqual(['a', 'b', 'c']);
    expect(outbox.pending()).toBe(0);
  });

  it('send resolves once that event and those before it are delivered', async () => {
    const delivered: string[] = [];
    const outbox = createOutbox(async (e) => {
      await new Promise((r) => setTimeout(r, 5));
      delivered.push(e.stepId!);
    });
    void outbox.send(event('a'));
    await outbox.send(event('b'));
    expect(delivered).toEqual(['a', 'b']);
  });
});

describe('outbox refusals', () => {
  it('does not retry an event the background refused, and goes on with the next', async () => {
    const { Refused } = await import('../../../src/protocol/client');
    const attempts: string[] = [];
    const outbox = createOutbox(
      async (e) => {
        attempts.push(e.stepId!);
        if (e.stepId === 'bad') throw new Refused('event.record: unknown aid');
      },
      async () => {},
    );
    outbox.send(event('bad'));
    outbox.send(event('good'));
    await outbox.drain();
    expect(attempts).toEqual(['bad', 'good']);
  });
});
