import { describe, expect, it } from 'vitest';
import {
  ActiveAid,
  BackgroundRequest,
  EventInput,
  LookupResponse,
  OverlayRequest,
  OverlayStatus,
  Progress,
} from '../../../src/protocol/messages';

const event = {
  type: 'step_done',
  aidKey: 'crm/new-contact',
  stepId: 'name',
  how: 'auto',
  url: 'https://crm.test/contacts/new',
  at: 1,
};

describe('BackgroundRequest', () => {
  it('accepts every request of the contract', () => {
    const requests = [
      { type: 'page.lookup', url: 'https://crm.test/' },
      { type: 'event.record', event },
      { type: 'progress.reset', aidKey: 'crm/new-contact' },
      { type: 'site.status', host: 'crm.test' },
      { type: 'site.setPaused', host: 'crm.test', paused: true },
    ];
    for (const r of requests) expect(BackgroundRequest.safeParse(r).success, r.type).toBe(true);
  });

  it('refuses extra fields, unknown types and fields an event must not carry', () => {
    expect(BackgroundRequest.safeParse({ type: 'page.lookup', url: 'x', tab: 1 }).success).toBe(
      false,
    );
    expect(BackgroundRequest.safeParse({ type: 'overlay.status' }).success).toBe(false);
    expect(EventInput.safeParse({ ...event, packVersion: '9.9.9' }).success).toBe(false);
    expect(EventInput.safeParse({ ...event, value: 'typed text' }).success).toBe(false);
    expect(EventInput.safeParse({ ...event, type: 'clicked' }).success).toBe(false);
    expect(
      BackgroundRequest.safeParse({ type: 'page.lookup', url: 'x'.repeat(4001) }).success,
    ).toBe(false);
  });
});

describe('overlay messages and answers', () => {
  it('OverlayRequest has exactly status and refresh', () => {
    expect(OverlayRequest.safeParse({ type: 'overlay.status' }).success).toBe(true);
    expect(OverlayRequest.safeParse({ type: 'overlay.refresh' }).success).toBe(true);
    expect(OverlayRequest.safeParse({ type: 'overlay.refresh', x: 1 }).success).toBe(false);
  });

  it('validates lookup answers with aids and progress', () => {
    const progress = {
      aidKey: 'crm/t',
      steps: { a: { state: 'skipped', reason: 'n/a', at: 2 } },
      startedAt: 1,
      updatedAt: 2,
    };
    expect(Progress.safeParse(progress).success).toBe(true);
    const active = {
      key: 'crm/t',
      packId: 'crm',
      packVersion: '1.0.0',
      aid: {
        id: 't',
        kind: 'tip',
        title: 'T',
        match: { urls: ['https://crm.test/*'] },
        target: { css: '#a' },
        text: 'x',
      },
      progress,
    };
    expect(ActiveAid.safeParse(active).success).toBe(true);
    expect(
      LookupResponse.safeParse({ paused: false, aids: [active, { ...active, progress: null }] })
        .success,
    ).toBe(true);
    expect(
      OverlayStatus.safeParse({
        aids: [
          { key: 'crm/t', title: 'T', kind: 'tip', done: 0, skipped: 0, total: 0, missing: 1 },
        ],
      }).success,
    ).toBe(true);
  });
});
