/**
 * The content script checks overlay.* messages by hand (pages do not ship zod). Frame states
 * come from other frames, so that check must refuse exactly what the zod contract refuses.
 */
import { describe, expect, it } from 'vitest';
import { parseOverlayRequest } from '../../../src/protocol/client';
import { OverlayRequest } from '../../../src/protocol/messages';

const step = { stepId: 'postcode', found: true, holds: false };
const steps = { type: 'overlay.frameSteps', frameId: 4, aidKey: 'bank/open', steps: [step] };

const SAMPLES: unknown[] = [
  { type: 'overlay.status' },
  { type: 'overlay.refresh' },
  { type: 'overlay.frameResync' },
  { type: 'overlay.frameResync', frameId: 1 },
  { type: 'overlay.frameGone', frameId: 4 },
  { type: 'overlay.frameGone', frameId: 0 },
  { type: 'overlay.frameGone', frameId: 1.5 },
  { type: 'overlay.frameGone', frameId: '4' },
  { type: 'overlay.frameGone' },
  { type: 'overlay.frameGone', frameId: 4, extra: true },
  steps,
  { ...steps, steps: [] },
  { ...steps, frameId: 0 },
  { ...steps, aidKey: 'ab' },
  { ...steps, aidKey: 'x'.repeat(201) },
  { ...steps, steps: [{ ...step, found: 'yes' }] },
  { ...steps, steps: [{ ...step, value: 'secret' }] },
  { ...steps, steps: [{ stepId: 'a', found: true }] },
  { ...steps, steps: [{ ...step, stepId: '' }] },
  { ...steps, steps: [{ ...step, stepId: 'x'.repeat(65) }] },
  { ...steps, steps: Array.from({ length: 201 }, () => step) },
  { ...steps, steps: [null] },
  { ...steps, steps: 'all' },
  { ...steps, url: 'https://evil.test/' },
  { type: 'page.lookup', url: 'x' },
  { type: 'overlay.unknown' },
  'overlay.status',
  null,
  [],
];

describe('parseOverlayRequest and the zod contract', () => {
  it.each(SAMPLES.map((s) => [JSON.stringify(s)?.slice(0, 90), s]))('agree on %s', (_, sample) => {
    const zod = OverlayRequest.safeParse(sample).success;
    expect(parseOverlayRequest(sample) !== null).toBe(zod);
  });

  it('accepts frame states as sent, and refuses one with a field value', () => {
    expect(parseOverlayRequest(steps)).toEqual(steps);
    expect(parseOverlayRequest({ ...steps, steps: [{ ...step, value: 'x' }] })).toBeNull();
  });
});
