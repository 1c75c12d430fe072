/** The help panel's list (help.list) and the shortcut the page lookup hands the top frame. */
import { describe, expect, it } from 'vitest';
import { setSetting } from '../../../src/background/db';
import { helpEntries } from '../../../src/background/help';
import { installPack } from '../../../src/background/packs';
import { handleMessage, type RouterDeps, type Sender } from '../../../src/background/router';
import { checklist, fieldChecks, freshDb, pack, tip, walkthrough } from './fixtures';

const EXT_ID = 'inflow-test-id';
const FORM = 'https://crm.localhost:3000/contacts/new';
const LIST = 'https://crm.localhost:3000/contacts';
const OTHER_APP = 'https://portal.localhost:3000/';

const top = (url: string): Sender => ({ id: EXT_ID, url, tab: { id: 7, url }, frameId: 0 });

async function setup() {
  const db = freshDb();
  await installPack(
    db,
    pack('crm', '1.0.0', [
      checklist('new-contact', ['https://crm.localhost:3000/contacts/new'], {
        description: 'For **every** new caller.',
        keywords: ['onboarding', 'sign-up'],
      }),
      tip('email', ['https://crm.localhost:3000/contacts/new'], {
        text: 'Read the address back _letter by letter_.',
      }),
      fieldChecks('checks', ['https://crm.localhost:3000/contacts/new']),
      walkthrough('first-case', ['https://crm.localhost:3000/cases/*']),
      tip('sales-only', ['https://crm.localhost:3000/*'], { audience: { roles: ['sales'] } }),
    ]),
  );
  await installPack(db, pack('portal', '1.0.0', [checklist('move', [`${OTHER_APP}*`])]));
  const deps: RouterDeps = {
    db,
    runtime: { id: EXT_ID, getURL: (path) => `chrome-extension://${EXT_ID}${path}` },
    tabs: { query: async () => [], sendMessage: async () => ({ ok: true }) },
    now: () => 5000,
  };
  return { db, deps };
}

describe('helpEntries', () => {
  it('lists the aids of the page’s app for this person, with plain texts, and says which are here', async () => {
    const { db } = await setup();
    const entries = await helpEntries(db, FORM, {});
    // Field checks have nothing to start; the sales tip is not for this person; the portal's
    // checklist is another app's.
    expect(entries.map((e) => [e.key, e.kind, e.here])).toEqual([
      ['crm/new-contact', 'checklist', true],
      ['crm/email', 'tip', true],
      ['crm/first-case', 'walkthrough', false],
    ]);
    expect(entries[0]).toMatchObject({
      title: 'Checklist new-contact',
      keywords: ['onboarding', 'sign-up'],
      texts: ['For every new caller.', 'Enter the name', 'Enter the email', 'Save'],
    });
    expect(entries[1]!.texts).toEqual(['Read the address back letter by letter.']);
    expect(entries[1]!.keywords).toEqual([]);

    expect((await helpEntries(db, FORM, { role: 'sales' })).map((e) => e.key)).toContain(
      'crm/sales-only',
    );
    expect((await helpEntries(db, LIST, {})).filter((e) => e.here)).toEqual([]);
    expect((await helpEntries(db, 'https://elsewhere.localhost/', {})).length).toBe(0);
  });
});

describe('help.list and the lookup’s shortcut', () => {
  it('answers the top frame with its own page’s list, never one the message names', async () => {
    const { deps } = await setup();
    const answer = (await handleMessage({ type: 'help.list' }, top(FORM), deps)) as {
      paused: boolean;
      entries: { key: string }[];
    };
    expect(answer.paused).toBe(false);
    expect(answer.entries.map((e) => e.key)).toEqual([
      'crm/new-contact',
      'crm/email',
      'crm/first-case',
    ]);
    expect(await handleMessage({ type: 'help.list', url: OTHER_APP }, top(FORM), deps)).toEqual({
      error: expect.stringContaining('url: unknown field'),
    });
    // Only a top frame's content script: not a sub-frame, not an extension page.
    const refused = {
      error: expect.stringContaining('refused, only the content script of a top frame'),
    };
    expect(await handleMessage({ type: 'help.list' }, { ...top(FORM), frameId: 3 }, deps)).toEqual(
      refused,
    );
    const popup = { id: EXT_ID, url: `chrome-extension://${EXT_ID}/popup.html` };
    expect(await handleMessage({ type: 'help.list' }, popup, deps)).toEqual({
      error: expect.stringContaining('refused'),
    });
  });

  it('lists nothing on a paused site', async () => {
    const { db, deps } = await setup();
    await setSetting(db, 'pausedHosts', ['crm.localhost']);
    expect(await handleMessage({ type: 'help.list' }, top(FORM), deps)).toEqual({
      paused: true,
      entries: [],
    });
  });

  it('hands the shortcut to the top frame of a page whose app has aids, as the settings say', async () => {
    const { deps } = await setup();
    const options: Sender = { id: EXT_ID, url: `chrome-extension://${EXT_ID}/options.html` };
    const lookup = (url: string, sender = top(url)) =>
      handleMessage({ type: 'page.lookup', url }, sender, deps) as Promise<{ help?: string }>;
    expect((await lookup(FORM)).help).toBe('Alt+Shift+H');
    // A page of the app without aids of its own: the list still has the app's.
    expect((await lookup(LIST)).help).toBe('Alt+Shift+H');
    expect((await lookup(FORM, { ...top(FORM), frameId: 2 })).help).toBeUndefined();
    expect((await lookup('https://elsewhere.localhost/')).help).toBeUndefined();
    const set = (value: string) =>
      handleMessage({ type: 'settings.set', key: 'helpShortcut', value }, options, deps);
    expect(await set('ctrl+shift+t')).toEqual({
      error: expect.stringContaining('Ctrl without Alt is the browser’s'),
    });
    expect((await lookup(FORM)).help).toBe('Alt+Shift+H');
    await set('alt+ctrl+k');
    expect((await lookup(FORM)).help).toBe('Ctrl+Alt+K');
    await set('');
    expect((await lookup(FORM)).help).toBeUndefined();
  });
});
