import { describe, expect, it, vi } from 'vitest';
import { kindScriptId, syncKindRegistrations } from '../../../src/background/kind-registration';
import { installPack, removePack } from '../../../src/background/packs';
import {
  applyRegistration,
  injectIntoOpenTabs,
  matchPatternOfHostKey,
  matchPatternsOf,
  OVERLAY_SCRIPT_FILE,
  OVERLAY_SCRIPT_ID,
  type ScriptingApi,
  syncRegistration,
  urlHasAidHost,
} from '../../../src/background/registration';
import { checklist, freshDb, pack, tip } from './fixtures';

/** An in-memory scripting API that behaves like Chrome's for one registered script. */
function fakeScripting() {
  const registered = new Map<string, { id: string; matches: string[]; js: string[] }>();
  const api = {
    getRegisteredContentScripts: vi.fn(async (filter?: { ids?: string[] }) =>
      [...registered.values()].filter((s) => !filter?.ids || filter.ids.includes(s.id)),
    ),
    registerContentScripts: vi.fn(
      async (scripts: { id: string; matches: string[]; js: string[] }[]) => {
        for (const s of scripts) {
          if (registered.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
          registered.set(s.id, s);
        }
      },
    ),
    updateContentScripts: vi.fn(
      async (scripts: { id: string; matches: string[]; js: string[] }[]) => {
        for (const s of scripts) registered.set(s.id, s);
      },
    ),
    unregisterContentScripts: vi.fn(async (filter?: { ids?: string[] }) => {
      for (const id of filter?.ids ?? [...registered.keys()]) registered.delete(id);
    }),
    executeScript: vi.fn(async (_injection: { target: { tabId: number }; files: string[] }) => []),
  } satisfies ScriptingApi;
  return { api, registered };
}

describe('match patterns', () => {
  it('turns index keys into Chrome match patterns, without ports', () => {
    expect(matchPatternOfHostKey('crm.localhost')).toBe('*://crm.localhost/*');
    expect(matchPatternOfHostKey('*.example.com')).toBe('*://*.example.com/*');
    expect(matchPatternOfHostKey('127.0.0.1')).toBe('*://127.0.0.1/*');
    expect(matchPatternOfHostKey('*')).toBe('<all_urls>');
    expect(matchPatternOfHostKey('')).toBe('<all_urls>');
    expect(matchPatternOfHostKey('bad..host')).toBe('<all_urls>');
  });

  it('deduplicates and sorts, and <all_urls> covers everything', () => {
    expect(matchPatternsOf(['b.test', 'a.test', '*.c.test', 'a.test'])).toEqual([
      '*://*.c.test/*',
      '*://a.test/*',
      '*://b.test/*',
    ]);
    expect(matchPatternsOf(['a.test', '*'])).toEqual(['<all_urls>']);
    expect(matchPatternsOf([])).toEqual([]);
  });
});

describe('syncRegistration', () => {
  it('registers the overlay on the hosts of the installed aids only', async () => {
    const db = freshDb();
    await installPack(
      db,
      pack('crm', '1.0.0', [
        checklist('a', ['https://crm.localhost:3000/contacts/*', 'https://*.crm.example.com/*']),
        tip('b', ['http://crm.localhost:3000/*']),
      ]),
    );
    const { api, registered } = fakeScripting();
    expect(await syncRegistration(db, api)).toBe('registered');
    expect(api.registerContentScripts).toHaveBeenCalledWith([
      {
        id: OVERLAY_SCRIPT_ID,
        matches: ['*://*.crm.example.com/*', '*://crm.localhost/*'],
        js: [OVERLAY_SCRIPT_FILE],
        runAt: 'document_start',
        allFrames: true,
        matchOriginAsFallback: true,
        persistAcrossSessions: true,
      },
    ]);
    expect(registered.get('inflow-overlay')?.js).toEqual(['overlay.js']);

    expect(await syncRegistration(db, api)).toBe('unchanged');

    await installPack(db, pack('hr', '1.0.0', [tip('c', ['https://hr.localhost/*'])]));
    expect(await syncRegistration(db, api)).toBe('updated');
    expect(registered.get(OVERLAY_SCRIPT_ID)?.matches).toEqual([
      '*://*.crm.example.com/*',
      '*://crm.localhost/*',
      '*://hr.localhost/*',
    ]);

    await removePack(db, 'crm');
    await removePack(db, 'hr');
    expect(await syncRegistration(db, api)).toBe('unregistered');
    expect(registered.size).toBe(0);
    expect(await syncRegistration(db, api)).toBe('unchanged');
  });

  it('uses <all_urls> when an aid can match any host', async () => {
    const { api, registered } = fakeScripting();
    expect(await applyRegistration(api, ['<all_urls>'])).toBe('registered');
    expect(registered.get(OVERLAY_SCRIPT_ID)?.matches).toEqual(['<all_urls>']);

    const db = freshDb();
    await installPack(
      db,
      pack('any', '1.0.0', [tip('x', [], { match: { urls: ['https://*/help'], allSites: true } })]),
    );
    expect(await syncRegistration(db, api)).toBe('unchanged');
  });
});

describe('registration for targets in frames', () => {
  const framed = (id: string, frame: Record<string, string>) =>
    checklist(id, ['https://crm.localhost/contacts/*'], {
      steps: [
        {
          id: 'postcode',
          text: 'Look up the postcode',
          target: { label: 'Postcode', frame },
          done: { type: 'filled', target: { label: 'Postcode', frame } },
        },
      ],
    });

  it('adds the hosts of frame.url patterns, and only those, to the aids hosts', async () => {
    const db = freshDb();
    await installPack(
      db,
      pack('crm', '1.0.0', [
        framed('a', { url: 'https://lookup.example.net:*/address*' }),
        framed('b', { css: "iframe[title='Notes']" }),
        tip('c', ['https://crm.localhost/*'], {
          target: { css: '#x', frame: { url: 'https://*.widgets.test/*', css: 'iframe' } },
        }),
      ]),
    );
    const { api, registered } = fakeScripting();
    expect(await syncRegistration(db, api)).toBe('registered');
    expect(registered.get(OVERLAY_SCRIPT_ID)?.matches).toEqual([
      '*://*.widgets.test/*',
      '*://crm.localhost/*',
      '*://lookup.example.net/*',
    ]);

    // The frame's host goes when the last aid that names it goes.
    await removePack(db, 'crm');
    await installPack(db, pack('crm', '1.0.1', [framed('b', { css: 'iframe' })]));
    expect(await syncRegistration(db, api)).toBe('updated');
    expect(registered.get(OVERLAY_SCRIPT_ID)?.matches).toEqual(['*://crm.localhost/*']);
  });

  it('updates a registration persisted for the top frame only', async () => {
    const { api, registered } = fakeScripting();
    registered.set(OVERLAY_SCRIPT_ID, {
      id: OVERLAY_SCRIPT_ID,
      matches: ['*://crm.localhost/*'],
      js: [OVERLAY_SCRIPT_FILE],
    });
    expect(await applyRegistration(api, ['*://crm.localhost/*'])).toBe('updated');
    expect(registered.get(OVERLAY_SCRIPT_ID)).toMatchObject({
      allFrames: true,
      matchOriginAsFallback: true,
    });
    expect(await applyRegistration(api, ['*://crm.localhost/*'])).toBe('unchanged');
  });
});

describe('injectIntoOpenTabs', () => {
  it('injects into open http(s) tabs on aid hosts that have no live overlay', async () => {
    const db = freshDb();
    await installPack(
      db,
      pack('crm', '1.0.0', [tip('t', ['https://*.crm.test/*', 'https://hr.localhost/x'])]),
    );
    const { api } = fakeScripting();
    api.executeScript.mockImplementation(async ({ target }) => {
      if (target.tabId === 6) throw new Error('Cannot access contents of the page');
      return [];
    });
    const tabs = {
      query: vi.fn(async () => [
        { id: 1, url: 'https://a.crm.test/contacts' },
        { id: 2, url: 'https://hr.localhost/other' },
        { id: 3, url: 'https://news.test/' },
        { id: 4, url: 'https://b.crm.test/' },
        { id: 5, url: 'file:///hr.localhost/x' },
        { id: 6, url: 'https://c.crm.test/' },
      ]),
      sendMessage: vi.fn(async (tabId: number) => {
        if (tabId === 4) return { aids: [] };
        throw new Error('Receiving end does not exist.');
      }),
    };
    expect(await injectIntoOpenTabs(db, tabs, api)).toEqual([1, 2]);
    expect(api.executeScript).toHaveBeenCalledWith({
      target: { tabId: 1, allFrames: true },
      files: [OVERLAY_SCRIPT_FILE],
    });
    expect(api.executeScript.mock.calls.map(([i]) => i.target.tabId)).toEqual([1, 2, 6]);
  });

  it('does nothing without aids', async () => {
    const { api } = fakeScripting();
    const tabs = {
      query: vi.fn(async () => [{ id: 1, url: 'https://a.test/' }]),
      sendMessage: vi.fn(),
    };
    expect(await injectIntoOpenTabs(freshDb(), tabs, api)).toEqual([]);
    expect(tabs.query).not.toHaveBeenCalled();
  });

  it('urlHasAidHost checks the host keys of the URL', () => {
    const keys = new Set(['crm.localhost', '*.example.com']);
    expect(urlHasAidHost('http://crm.localhost:3000/x', keys)).toBe(true);
    expect(urlHasAidHost('https://deep.a.example.com/', keys)).toBe(true);
    expect(urlHasAidHost('https://example.org/', keys)).toBe(false);
    expect(urlHasAidHost(undefined, keys)).toBe(false);
    expect(urlHasAidHost('chrome://crm.localhost/', keys)).toBe(false);
  });
});

describe('syncKindRegistrations', () => {
  it("registers each kind's chunk in the top frames of its aids' hosts, and follows installs", async () => {
    const db = freshDb();
    const { api, registered } = fakeScripting();
    await installPack(
      db,
      pack('crm', '1.0.0', [
        checklist('new', ['https://crm.localhost:3000/contacts/new']),
        tip('email', ['https://crm.localhost/contacts/*']),
        tip('portal', ['https://*.portal.test/*']),
        // Shown by the frame it names: no tip chunk for its top page's host.
        tip('framed', ['https://desk.localhost/*'], {
          target: { css: '#x', frame: { url: 'https://lookup.localhost/*' } },
        }),
      ]),
    );
    expect(await syncKindRegistrations(db, api)).toEqual([
      'checklist: registered',
      'tip: registered',
    ]);
    expect(registered.get(kindScriptId('checklist'))).toEqual({
      id: 'inflow-kind-checklist',
      matches: ['*://crm.localhost/*'],
      js: ['kind-checklist.js'],
      runAt: 'document_start',
      allFrames: false,
      persistAcrossSessions: true,
    });
    expect(registered.get(kindScriptId('tip'))?.matches).toEqual([
      '*://*.portal.test/*',
      '*://crm.localhost/*',
    ]);
    expect(await syncKindRegistrations(db, api)).toEqual([]);

    await installPack(
      db,
      pack('crm', '2.0.0', [checklist('new', ['https://crm.localhost/contacts/new'])]),
    );
    expect(await syncKindRegistrations(db, api)).toEqual(['tip: unregistered']);
    await removePack(db, 'crm');
    expect(await syncKindRegistrations(db, api)).toEqual(['checklist: unregistered']);
    expect(registered.size).toBe(0);
  });
});
