import { describe, expect, it, vi } from 'vitest';
import { getSetting, openDb, setSetting } from '../../../src/background/db';
import { installPack } from '../../../src/background/packs';
import { handleMessage, type RouterDeps, type Sender } from '../../../src/background/router';
import { checklist, freshDb, pack, tip } from './fixtures';

const EXT_ID = 'inflow-test-id';
const PAGE = 'https://crm.localhost:3000/contacts/new';

const content: Sender = { id: EXT_ID, url: PAGE, tab: { id: 7, url: PAGE }, frameId: 0 };
const popup: Sender = { id: EXT_ID, url: `chrome-extension://${EXT_ID}/popup.html` };

async function setup(tabs: { id?: number; url?: string }[] = []) {
  const db = freshDb();
  await installPack(
    db,
    pack('crm', '1.0.0', [
      checklist('new-contact', ['https://crm.localhost:3000/contacts/*']),
      tip('sales-tip', ['https://crm.localhost:3000/*'], { audience: { roles: ['sales'] } }),
    ]),
  );
  const sendMessage = vi.fn(async (tabId: number) => {
    if (tabId === 3)
      throw new Error('Could not establish connection. Receiving end does not exist.');
    return { ok: true };
  });
  const deps: RouterDeps = {
    db,
    runtime: { id: EXT_ID, getURL: (path) => `chrome-extension://${EXT_ID}${path}` },
    tabs: { query: async () => tabs, sendMessage },
    now: () => 5000,
  };
  return { db, deps, sendMessage };
}

describe('handleMessage: validation', () => {
  it('refuses messages outside the contract and names the JSON path', async () => {
    const { deps } = await setup();
    expect(await handleMessage('hello', content, deps)).toEqual({
      error: expect.stringMatching(/^invalid message: \(message\): /),
    });
    expect(await handleMessage({ type: 'page.explode' }, content, deps)).toEqual({
      error: expect.stringContaining('type:'),
    });
    const bad = await handleMessage(
      { type: 'event.record', event: { type: 'step_done', aidKey: 'crm/new-contact', at: 1 } },
      content,
      deps,
    );
    expect(bad).toEqual({ error: expect.stringContaining('event.url:') });
    const extra = await handleMessage(
      { type: 'page.lookup', url: PAGE, admin: true },
      content,
      deps,
    );
    expect(extra).toEqual({ error: expect.stringContaining('admin: unknown field') });
  });

  it('never throws, and reports store errors as { error }', async () => {
    const { deps, db } = await setup();
    const event = { type: 'step_done', aidKey: 'crm/ghost', stepId: 'x', url: PAGE, at: 1 };
    expect(await handleMessage({ type: 'event.record', event }, content, deps)).toEqual({
      error: 'event.record: unknown aid "crm/ghost"',
    });
    expect(await db.events.count()).toBe(0);
  });
});

describe('handleMessage: senders', () => {
  const lookupMsg = { type: 'page.lookup', url: PAGE };

  it('answers page requests only from a content script of this extension in an http(s) tab', async () => {
    const { deps } = await setup();
    const refused = { error: expect.stringContaining('refused') };
    expect(await handleMessage(lookupMsg, { ...content, id: 'other-extension' }, deps)).toEqual(
      refused,
    );
    expect(await handleMessage(lookupMsg, popup, deps)).toEqual(refused);
    expect(await handleMessage(lookupMsg, { id: EXT_ID, url: PAGE }, deps)).toEqual(refused);
    const fileTab = {
      id: EXT_ID,
      url: 'file:///page.html',
      tab: { id: 1, url: 'file:///page.html' },
    };
    expect(await handleMessage(lookupMsg, fileTab, deps)).toEqual(refused);
    // The tab URL is used when the sender has none.
    expect(
      await handleMessage(lookupMsg, { id: EXT_ID, tab: { id: 1, url: PAGE } }, deps),
    ).toMatchObject({
      paused: false,
    });
  });

  it('runs the regular-expression engine in the asking frame only, for a content script', async () => {
    const { deps } = await setup();
    const executeScript = vi.fn(async () => []);
    const withScripting = { ...deps, scripting: { executeScript } };
    const ask = { type: 'page.loadRegex' };
    const frame: Sender = { ...content, url: 'https://lookup.localhost/x', frameId: 4 };
    expect(await handleMessage(ask, frame, withScripting)).toEqual({ ok: true });
    expect(executeScript).toHaveBeenCalledWith({
      target: { tabId: 7, frameIds: [4] },
      files: ['regex.js'],
      // Not held until the page is idle: the frame asked while it was still loading.
      injectImmediately: true,
    });
    // Nothing in the message chooses where it runs.
    expect(await handleMessage({ ...ask, tabId: 1 }, content, withScripting)).toEqual({
      error: expect.stringContaining('tabId: unknown field'),
    });
    const refused = { error: expect.stringContaining('refused') };
    expect(await handleMessage(ask, popup, withScripting)).toEqual(refused);
    expect(await handleMessage(ask, { ...content, id: 'other' }, withScripting)).toEqual(refused);
    expect(await handleMessage(ask, { ...content, frameId: undefined }, withScripting)).toEqual(
      refused,
    );
    expect(executeScript).toHaveBeenCalledTimes(1);
    // A frame that cannot be scripted: an error, not a throw.
    executeScript.mockRejectedValueOnce(new Error('Frame with ID 4 was removed.'));
    expect(await handleMessage(ask, frame, withScripting)).toEqual({
      error: 'page.loadRegex: Frame with ID 4 was removed.',
    });
  });

  it("runs a kind's chunk in the asking frame only, and only a chunk this build has", async () => {
    const { deps } = await setup();
    const executeScript = vi.fn(async () => []);
    const withScripting = { ...deps, scripting: { executeScript } };
    const frame: Sender = { ...content, url: 'https://lookup.localhost/x', frameId: 4 };
    for (const chunk of ['checklist', 'tip', 'checks', 'walkthrough', 'help', 'touchpoints']) {
      expect(await handleMessage({ type: 'page.loadChunk', chunk }, frame, withScripting)).toEqual({
        ok: true,
      });
    }
    expect(executeScript.mock.calls).toEqual([
      [
        {
          target: { tabId: 7, frameIds: [4] },
          files: ['kind-checklist.js'],
          injectImmediately: true,
        },
      ],
      [{ target: { tabId: 7, frameIds: [4] }, files: ['kind-tip.js'], injectImmediately: true }],
      [{ target: { tabId: 7, frameIds: [4] }, files: ['kind-checks.js'], injectImmediately: true }],
      [
        {
          target: { tabId: 7, frameIds: [4] },
          files: ['kind-walkthrough.js'],
          injectImmediately: true,
        },
      ],
      [{ target: { tabId: 7, frameIds: [4] }, files: ['help.js'], injectImmediately: true }],
      [
        {
          target: { tabId: 7, frameIds: [4] },
          files: ['touchpoints.js'],
          injectImmediately: true,
        },
      ],
    ]);
    // A name that is not a chunk, or a path, is refused before anything runs.
    for (const chunk of ['help-panel', '../background', 'kind-tip.js', 'constructor', '']) {
      expect(await handleMessage({ type: 'page.loadChunk', chunk }, frame, withScripting)).toEqual({
        error: expect.stringContaining('invalid message: chunk'),
      });
    }
    expect(
      await handleMessage(
        { type: 'page.loadChunk', chunk: 'tip', frameId: 0 },
        frame,
        withScripting,
      ),
    ).toEqual({ error: expect.stringContaining('frameId: unknown field') });
    const refused = { error: expect.stringContaining('refused') };
    const ask = { type: 'page.loadChunk', chunk: 'tip' };
    expect(await handleMessage(ask, popup, withScripting)).toEqual(refused);
    expect(await handleMessage(ask, { ...content, id: 'other' }, withScripting)).toEqual(refused);
    expect(executeScript).toHaveBeenCalledTimes(6);
    executeScript.mockRejectedValueOnce(new Error('Frame with ID 4 was removed.'));
    expect(await handleMessage(ask, frame, withScripting)).toEqual({
      error: 'page.loadChunk: Frame with ID 4 was removed.',
    });
  });

  it('answers site requests only from pages of this extension', async () => {
    const { deps, db } = await setup();
    const msg = { type: 'site.setPaused', host: 'crm.localhost', paused: true };
    const refused = { error: expect.stringContaining('refused') };
    expect(await handleMessage(msg, content, deps)).toEqual(refused);
    expect(
      await handleMessage(msg, { id: EXT_ID, url: 'https://evil.test/popup.html' }, deps),
    ).toEqual(refused);
    expect(await handleMessage(msg, { ...popup, id: 'other' }, deps)).toEqual(refused);
    expect(
      await handleMessage(msg, { id: EXT_ID, url: 'chrome-extension://other-id/popup.html' }, deps),
    ).toEqual(refused);
    expect(await getSetting(db, 'pausedHosts', [])).toEqual([]);
  });

  it('export.status: the state of sending, for pages of this extension only', async () => {
    const { deps } = await setup();
    const msg = { type: 'export.status' };
    expect(await handleMessage(msg, content, deps)).toEqual({
      error: expect.stringContaining('refused'),
    });
    expect(await handleMessage(msg, popup, deps)).toMatchObject({
      off: 'no-endpoint',
      format: 'xapi',
      queued: 0,
      dropped: 0,
      lastError: null,
      hub: { off: 'no-hub', queued: 0, dropped: 0, refused: 0, lastError: null },
    });
  });
});

describe('handleMessage: answers', () => {
  it('page.lookup returns the aids for the viewer, with progress', async () => {
    const { deps, db } = await setup();
    await db.progress.put({ aidKey: 'crm/new-contact', steps: {}, startedAt: 1, updatedAt: 1 });
    const answer = await handleMessage({ type: 'page.lookup', url: PAGE }, content, deps);
    expect(answer).toMatchObject({
      paused: false,
      aids: [{ key: 'crm/new-contact', progress: { startedAt: 1 } }],
    });

    await setSetting(db, 'role', 'sales');
    const sales = await handleMessage({ type: 'page.lookup', url: PAGE }, content, deps);
    expect(sales).toMatchObject({ aids: [{ key: 'crm/new-contact' }, { key: 'crm/sales-tip' }] });
  });

  it('page.lookup on a paused host returns paused and no aids', async () => {
    const { deps, db } = await setup();
    await setSetting(db, 'pausedHosts', ['crm.localhost']);
    expect(await handleMessage({ type: 'page.lookup', url: PAGE }, content, deps)).toEqual({
      paused: true,
      aids: [],
    });
  });

  it('event.record stores the event and answers its id; progress.reset clears progress', async () => {
    const { deps, db } = await setup();
    const event = {
      type: 'step_done',
      aidKey: 'crm/new-contact',
      stepId: 'name',
      how: 'manual',
      url: `${PAGE}?q=secret`,
      at: 4000,
    };
    const answer = await handleMessage({ type: 'event.record', event }, content, deps);
    expect(answer).toEqual({ ok: true, id: expect.any(String) });
    const stored = await db.events.toArray();
    expect(stored).toMatchObject([
      { id: (answer as { id: string }).id, url: PAGE, recordedAt: 5000 },
    ]);
    expect(await db.progress.get('crm/new-contact')).toMatchObject({
      steps: { name: { state: 'done' } },
    });

    expect(
      await handleMessage({ type: 'progress.reset', aidKey: 'crm/new-contact' }, content, deps),
    ).toEqual({
      ok: true,
    });
    expect(await db.progress.count()).toBe(0);
  });

  it('site.setPaused stores the host and refreshes the overlay in every tab on it', async () => {
    const tabs = [
      { id: 1, url: 'https://crm.localhost:3000/contacts/new' },
      { id: 2, url: 'http://crm.localhost/other' },
      { id: 3, url: 'https://crm.localhost:3000/no-overlay' },
      { id: 4, url: 'https://hr.localhost/' },
      { id: 5, url: 'chrome://newtab/' },
      { url: 'https://crm.localhost/' },
    ];
    const { deps, db, sendMessage } = await setup(tabs);
    const answer = await handleMessage(
      { type: 'site.setPaused', host: 'CRM.localhost', paused: true },
      popup,
      deps,
    );
    expect(answer).toEqual({ ok: true });
    expect(await getSetting(db, 'pausedHosts', [])).toEqual(['crm.localhost']);
    expect(sendMessage.mock.calls.map((c) => c[0]).sort()).toEqual([1, 2, 3]);
    expect(sendMessage).toHaveBeenCalledWith(1, { type: 'overlay.refresh' }, { frameId: 0 });

    expect(
      await handleMessage({ type: 'site.status', host: 'crm.localhost' }, popup, deps),
    ).toEqual({ paused: true });
    expect(await handleMessage({ type: 'site.status', host: 'hr.localhost' }, popup, deps)).toEqual(
      { paused: false },
    );

    await handleMessage(
      { type: 'site.setPaused', host: 'crm.localhost', paused: false },
      popup,
      deps,
    );
    expect(await getSetting(db, 'pausedHosts', [])).toEqual([]);
    expect(await handleMessage({ type: 'page.lookup', url: PAGE }, content, deps)).toMatchObject({
      paused: false,
    });
  });

  it('site.setPaused refuses an empty host', async () => {
    const { deps, db } = await setup();
    expect(
      await handleMessage({ type: 'site.setPaused', host: ' ', paused: true }, popup, deps),
    ).toEqual({
      error: expect.stringContaining('host'),
    });
    expect(await getSetting(db, 'pausedHosts', [])).toEqual([]);
  });

  it('answers after the database was closed (Dexie reopens it)', async () => {
    const { deps, db } = await setup();
    db.close();
    const answer = await handleMessage({ type: 'page.lookup', url: PAGE }, content, deps);
    expect(answer).toMatchObject({ paused: false, aids: [{ key: 'crm/new-contact' }] });
  });
});

describe('handleMessage: the compact panel', () => {
  const lookupMsg = { type: 'page.lookup', url: PAGE };

  it('is off until the person chooses it; their choice is stored and returned with every lookup', async () => {
    const { deps, db } = await setup();
    expect(await handleMessage(lookupMsg, content, deps)).toMatchObject({ compact: false });

    const set = { type: 'panel.setCompact', compact: true };
    expect(await handleMessage(set, content, deps)).toEqual({ ok: true });
    expect(await db.settings.get('panelCompact')).toEqual({ key: 'panelCompact', value: true });
    expect(await handleMessage(lookupMsg, content, deps)).toMatchObject({
      paused: false,
      aids: [{ key: 'crm/new-contact' }],
      compact: true,
    });
    // Another page of another host gets it too.
    const other = { type: 'page.lookup', url: 'https://crm.localhost:3000/cases/1' };
    expect(await handleMessage(other, content, deps)).toMatchObject({ compact: true });

    await handleMessage({ type: 'panel.setCompact', compact: false }, content, deps);
    expect(await db.settings.get('panelCompact')).toEqual({ key: 'panelCompact', value: false });
    expect(await handleMessage(lookupMsg, content, deps)).toMatchObject({ compact: false });
  });

  it('is read from the store after the service worker restarts', async () => {
    const { deps } = await setup();
    await handleMessage({ type: 'panel.setCompact', compact: true }, content, deps);
    // A new worker opens the database anew: nothing of the old one's memory is left.
    const db = openDb(deps.db.name);
    try {
      expect(await handleMessage(lookupMsg, content, { ...deps, db })).toMatchObject({
        compact: true,
      });
    } finally {
      db.close();
    }
  });

  it('accepts the choice only from a content script, and only as a boolean', async () => {
    const { deps, db } = await setup();
    const set = { type: 'panel.setCompact', compact: true };
    expect(await handleMessage(set, popup, deps)).toEqual({
      error: 'panel.setCompact: refused, only a content script of this extension may send it',
    });
    expect(await handleMessage(set, { ...content, id: 'other-extension' }, deps)).toEqual({
      error: expect.stringContaining('refused'),
    });
    expect(
      await handleMessage({ type: 'panel.setCompact', compact: 'yes' }, content, deps),
    ).toEqual({ error: expect.stringMatching(/^invalid message: .*compact/) });
    expect(
      await handleMessage({ type: 'panel.setCompact', compact: true, side: 'left' }, content, deps),
    ).toEqual({ error: expect.stringContaining('side: unknown field') });
    expect(await db.settings.get('panelCompact')).toBeUndefined();
  });
});

describe('handleMessage: frames', () => {
  const TOP = 'https://crm.localhost:3000/contacts/new';
  const LOOKUP = 'https://lookup.example.net/address';
  const postcode = { label: 'Postcode', frame: { url: 'https://lookup.example.net/*' } };
  const notes = { label: 'Notes', frame: { css: "iframe[title='Notes']" } };
  const framedChecklist = checklist('framed', ['https://crm.localhost:3000/contacts/*'], {
    steps: [
      { id: 'name', text: 'Enter the name', target: { css: '#name' } },
      { id: 'postcode', text: 'Postcode', done: { type: 'filled', target: postcode } },
      { id: 'notes', text: 'Notes', target: notes },
    ],
  });
  /** A content script in frame 4 of tab 7, whose top page is TOP. */
  const inFrame = (url: string, frameId = 4): Sender => ({
    id: EXT_ID,
    url,
    tab: { id: 7, url: TOP },
    frameId,
  });

  async function setupFrames() {
    const ctx = await setup();
    await installPack(
      ctx.db,
      pack('bank', '1.0.0', [
        framedChecklist,
        tip('lookup-own', ['https://lookup.example.net/*']),
        tip('top-only', ['https://crm.localhost:3000/*']),
      ]),
    );
    return ctx;
  }

  it('frame.lookup answers from the sender: the top page aids with framed targets, and the frame page own aids', async () => {
    const { deps } = await setupFrames();
    const answer = (await handleMessage({ type: 'frame.lookup' }, inFrame(LOOKUP), deps)) as {
      url: string;
      framed: { key: string }[];
      own: { key: string }[];
    };
    expect(answer.url).toBe(TOP);
    // crm/new-contact and bank/top-only apply to the top page but address no frame.
    expect(answer.framed.map((a) => a.key)).toEqual(['bank/framed']);
    expect(answer.own.map((a) => a.key)).toEqual(['bank/lookup-own']);

    const srcdoc = (await handleMessage(
      { type: 'frame.lookup' },
      inFrame('about:srcdoc'),
      deps,
    )) as {
      framed: { key: string }[];
      own: unknown[];
    };
    expect(srcdoc.framed.map((a) => a.key)).toEqual(['bank/framed']);
    expect(srcdoc.own).toEqual([]);

    // A frame may not name the page it claims to be on.
    expect(await handleMessage({ type: 'frame.lookup', url: TOP }, inFrame(LOOKUP), deps)).toEqual({
      error: expect.stringContaining('url: unknown field'),
    });
  });

  it('frame.lookup of a page without aids, or of a paused site, gives nothing', async () => {
    const { deps, db } = await setupFrames();
    const elsewhere: Sender = { ...inFrame(LOOKUP), tab: { id: 7, url: 'https://news.test/' } };
    expect(await handleMessage({ type: 'frame.lookup' }, elsewhere, deps)).toMatchObject({
      framed: [],
      own: [expect.objectContaining({ key: 'bank/lookup-own' })],
    });
    await setSetting(db, 'pausedHosts', ['crm.localhost']);
    expect(await handleMessage({ type: 'frame.lookup' }, inFrame(LOOKUP), deps)).toEqual({
      paused: true,
      url: TOP,
      framed: [],
      own: [],
    });
  });

  it('frame requests come only from sub-frames, frame.resync only from a top frame', async () => {
    const { deps } = await setupFrames();
    const refused = { error: expect.stringContaining('refused, only the content script of') };
    const topFrame = { ...inFrame(TOP, 0), url: TOP };
    expect(await handleMessage({ type: 'frame.lookup' }, topFrame, deps)).toEqual(refused);
    expect(await handleMessage({ type: 'frame.gone' }, topFrame, deps)).toEqual(refused);
    expect(
      await handleMessage({ type: 'frame.lookup' }, { ...inFrame(LOOKUP), id: 'other' }, deps),
    ).toEqual({ error: expect.stringContaining('refused') });
    expect(await handleMessage({ type: 'frame.lookup' }, popup, deps)).toEqual({
      error: expect.stringContaining('refused'),
    });
    const fileTop = { ...inFrame('about:srcdoc'), tab: { id: 7, url: 'file:///x.html' } };
    expect(await handleMessage({ type: 'frame.lookup' }, fileTop, deps)).toEqual({
      error: expect.stringContaining('refused'),
    });
    expect(await handleMessage({ type: 'frame.resync' }, inFrame(LOOKUP), deps)).toEqual(refused);
    expect(await handleMessage({ type: 'frame.resync' }, topFrame, deps)).toEqual({ ok: true });
  });

  it('frame.steps goes to the top frame of the same tab only, with the sender frame id', async () => {
    const { deps, sendMessage, db } = await setupFrames();
    const steps = [{ stepId: 'postcode', found: true, holds: true }];
    expect(
      await handleMessage(
        { type: 'frame.steps', aidKey: 'bank/framed', steps },
        inFrame(LOOKUP),
        deps,
      ),
    ).toEqual({ ok: true, delivered: true });
    expect(sendMessage).toHaveBeenCalledWith(
      7,
      { type: 'overlay.frameSteps', frameId: 4, aidKey: 'bank/framed', steps },
      { frameId: 0 },
    );
    // A srcdoc frame names its frame by css only: it may report the notes step.
    const notesState = [{ stepId: 'notes', found: true, holds: false }];
    expect(
      await handleMessage(
        { type: 'frame.steps', aidKey: 'bank/framed', steps: notesState },
        inFrame('about:srcdoc', 9),
        deps,
      ),
    ).toEqual({ ok: true, delivered: true });
    expect(await handleMessage({ type: 'frame.gone' }, inFrame(LOOKUP), deps)).toEqual({
      ok: true,
    });
    expect(sendMessage).toHaveBeenLastCalledWith(
      7,
      { type: 'overlay.frameGone', frameId: 4 },
      { frameId: 0 },
    );
    // Nothing is recorded: the top frame's checklist records the steps.
    expect(await db.events.count()).toBe(0);
  });

  it('frame.steps is refused for aids the top page does not have, steps not in a frame, or another frame', async () => {
    const { deps, sendMessage } = await setupFrames();
    const report = (aidKey: string, stepId: string, sender = inFrame(LOOKUP)) =>
      handleMessage(
        { type: 'frame.steps', aidKey, steps: [{ stepId, found: true, holds: true }] },
        sender,
        deps,
      );
    expect(await report('bank/lookup-own', 'postcode')).toEqual({
      error: 'frame.steps: refused, aid "bank/lookup-own" does not apply to the page of this tab',
    });
    expect(await report('bank/framed', 'name')).toEqual({
      error: 'frame.steps: refused, step "name" of aid "bank/framed" is not addressed to a frame',
    });
    expect(await report('bank/framed', 'postcode', inFrame('https://evil.test/'))).toEqual({
      error: 'frame.steps: refused, step "postcode" of aid "bank/framed" is in another frame',
    });
    const otherTop: Sender = { ...inFrame(LOOKUP), tab: { id: 7, url: 'https://news.test/' } };
    expect(await report('bank/framed', 'postcode', otherTop)).toEqual({
      error: expect.stringContaining('does not apply to the page of this tab'),
    });
    expect(
      await handleMessage(
        { type: 'frame.steps', aidKey: 'bank/framed', steps: [{ stepId: 'postcode', found: 1 }] },
        inFrame(LOOKUP),
        deps,
      ),
    ).toEqual({ error: expect.stringContaining('invalid message') });
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it('a frame state reaches the top frame in the order it was sent', async () => {
    const { deps, sendMessage } = await setupFrames();
    const steps = [{ stepId: 'postcode', found: true, holds: false }];
    // The steps need a lookup, the gone does not: sent together, they still arrive in order.
    await Promise.all([
      handleMessage({ type: 'frame.steps', aidKey: 'bank/framed', steps }, inFrame(LOOKUP), deps),
      handleMessage({ type: 'frame.gone' }, inFrame(LOOKUP), deps),
    ]);
    expect(
      sendMessage.mock.calls.map((c) => (c as unknown[] as [number, { type: string }])[1].type),
    ).toEqual(['overlay.frameSteps', 'overlay.frameGone']);
  });

  it('events from a srcdoc frame of an http(s) page are taken', async () => {
    const { deps } = await setupFrames();
    const event = { type: 'tip_opened', aidKey: 'bank/top-only', url: TOP, at: 1 };
    expect(
      await handleMessage({ type: 'event.record', event }, inFrame('about:srcdoc'), deps),
    ).toEqual({ ok: true, id: expect.any(String) });
    const topAbout = { ...inFrame('about:blank', 0), tab: { id: 7, url: 'about:blank' } };
    expect(await handleMessage({ type: 'event.record', event }, topAbout, deps)).toEqual({
      error: expect.stringContaining('refused'),
    });
  });
});
