// @vitest-environment happy-dom
/**
 * "Sending events" on the Sources & settings page: on or off and why, what waits, the last
 * success and problem, the next attempt, and the events dropped, never silently. Rendered
 * with fake dependencies in place of the background.
 */
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  droppedText,
  exportSummary,
  hubSummary,
  Options,
  type OptionsDeps,
} from '../../../src/options/Options';
import type { SettingsView } from '../../../src/protocol/messages';
import {
  DEFAULT_SETTINGS,
  type ExportStatus,
  type HubExportStatus,
} from '../../../src/protocol/settings';

const base: ExportStatus = {
  off: null,
  format: 'xapi',
  queued: 0,
  dropped: 0,
  limit: 10_000,
  lastError: null,
};

function fakeDeps(status: ExportStatus | (() => Promise<ExportStatus>)): OptionsDeps {
  const view: SettingsView = {
    values: { ...DEFAULT_SETTINGS, analyticsEndpoint: 'https://lrs.example/xapi' },
    managed: [],
    ignored: [],
  };
  return {
    getSettings: async () => view,
    setSetting: async () => view,
    syncStatus: async () => [],
    syncNow: async () => [],
    exportStatus: typeof status === 'function' ? status : async () => status,
  };
}

let root: HTMLElement;

beforeEach(() => {
  location.hash = '#sources';
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

/** The "Sending events" section (or another, by its heading) once it shows. */
async function sending(deps: OptionsDeps, title = 'Sending events'): Promise<HTMLElement> {
  render(<Options deps={deps} />, root);
  let section: HTMLElement | null = null;
  await vi.waitFor(() => {
    const heading = [...root.querySelectorAll('h2')].find((h) => h.textContent === title);
    section = heading?.closest('section') ?? null;
    expect(section).not.toBeNull();
  });
  return section!;
}

/** The definition list as { term: description }. */
function facts(section: HTMLElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dt of section.querySelectorAll('dt')) {
    out[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
  }
  return out;
}

describe('Sending events', () => {
  it('on, with a queue that waits after a failure, and events dropped', async () => {
    const next = Date.UTC(2026, 10, 22, 10, 0, 0);
    const section = await sending(
      fakeDeps({
        ...base,
        queued: 37,
        dropped: 12,
        lastSuccessAt: Date.UTC(2026, 10, 22, 9, 0, 0),
        lastError: 'The LRS answered 401 Unauthorized',
        nextAttemptAt: next,
      }),
    );
    expect(section.textContent).toContain(
      'On: events are sent to the analytics endpoint as xAPI statements.',
    );
    const f = facts(section);
    expect(f['Waiting to be sent']).toBe('37 events');
    expect(f['Last problem']).toBe('The LRS answered 401 Unauthorized');
    expect(f.Dropped).toBe('12 events were dropped because the queue was full (10,000).');
    expect(section.querySelector('dd time')?.getAttribute('datetime')).toBe(
      '2026-11-22T09:00:00.000Z',
    );
    expect([...section.querySelectorAll('time')].map((t) => t.getAttribute('datetime'))).toContain(
      new Date(next).toISOString(),
    );
    // A problem is shown as one.
    expect(section.querySelector('.source')?.classList.contains('problem')).toBe(true);
  });

  it('on and healthy: nothing waits, nothing dropped, never sent yet', async () => {
    const f = facts(await sending(fakeDeps({ ...base, format: 'json' })));
    expect(f).toEqual({
      'Waiting to be sent': '0 events',
      'Last success': 'Never',
      'Last problem': 'None',
      'Next attempt': 'Nothing is waiting',
      Dropped: 'None',
    });
  });

  it('says why it is off, and still tells of dropped events', async () => {
    const section = await sending(fakeDeps({ ...base, off: 'policy', dropped: 1 }));
    expect(section.textContent).toContain('Off: your organisation’s policy turned sending off.');
    expect(facts(section)).toEqual({
      Dropped: '1 event was dropped because the queue was full (10,000).',
    });
  });

  it('an error reading the state is shown, not swallowed', async () => {
    const section = await sending(fakeDeps(() => Promise.reject(new Error('no answer'))));
    expect(section.textContent).toContain('Could not read the state of sending: no answer');
  });
});

describe('Sending to the hub', () => {
  const hub: HubExportStatus = {
    off: null,
    queued: 0,
    dropped: 0,
    refused: 0,
    limit: 10_000,
    lastError: null,
  };

  it('is not shown when the background tells nothing of a hub', async () => {
    await sending(fakeDeps(base));
    expect(root.textContent).not.toContain('Sending to the hub');
  });

  it('a revoked token: the rows wait, and the page says why; refused events are counted', async () => {
    const section = await sending(
      fakeDeps({
        ...base,
        hub: {
          ...hub,
          queued: 4,
          refused: 1,
          lastStatus: 401,
          lastError:
            'The hub answered 401 Unauthorized: the device token (hubToken) is missing, wrong or revoked',
          nextAttemptAt: Date.UTC(2026, 10, 22, 10, 0, 0),
        },
      }),
      'Sending to the hub',
    );
    expect(section.textContent).toContain('On: every event is sent to your organisation’s hub');
    const f = facts(section);
    expect(f['Waiting to be sent']).toBe('4 events');
    expect(f['Last problem']).toMatch(/401.*revoked/);
    expect(f.Refused).toBe('1 event was refused by the hub and dropped.');
    // Time on pages is not measured here: no line for it.
    expect(f['Time on pages']).toBeUndefined();
    expect(section.querySelector('.source')?.classList.contains('problem')).toBe(true);
  });

  it('shows the queue of time on pages only when touchpoints are measured', async () => {
    const section = await sending(
      fakeDeps({ ...base, hub: { ...hub, touchpoints: { queued: 3, dropped: 2, refused: 1 } } }),
      'Sending to the hub',
    );
    expect(facts(section)['Time on pages']).toBe(
      '3 page sums waiting to be sent; 2 dropped (queue full); 1 refused by the hub',
    );
    expect(section.querySelector('.source')?.classList.contains('problem')).toBe(true);
  });

  it('says why it is off', async () => {
    const section = await sending(
      fakeDeps({ ...base, hub: { ...hub, off: 'no-token' } }),
      'Sending to the hub',
    );
    expect(section.textContent).toContain('no device token');
    expect(hubSummary({ ...hub, off: 'no-hub' })).toBe('Off: no hub address is set.');
    expect(facts(section)).toEqual({ Dropped: 'None', Refused: 'None' });
  });
});

describe('the words', () => {
  it('for each reason to be off, and for each format', () => {
    expect(exportSummary({ ...base, off: 'no-endpoint' })).toMatch(/^Off: no analytics endpoint/);
    expect(exportSummary({ ...base, off: 'setting' })).toMatch(/^Off: “Send events/);
    expect(exportSummary({ ...base, format: 'json' })).toMatch(/as plain JSON\.$/);
    expect(droppedText({ ...base, dropped: 10_000 })).toBe(
      '10,000 events were dropped because the queue was full (10,000).',
    );
  });
});
