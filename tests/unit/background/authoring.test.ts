import { describe, expect, it, vi } from 'vitest';
import { keysInUse } from '../../../src/background/lookup';
import { installPack } from '../../../src/background/packs';
import { handleMessage, type RouterDeps, type Sender } from '../../../src/background/router';
import type { AuthoringListItem } from '../../../src/protocol/authoring';
import { checklist, freshDb, pack, tip } from './fixtures';

const EXT_ID = 'inflow-test-id';
const CRM = 'https://crm.localhost:3000';
const options: Sender = { id: EXT_ID, url: `chrome-extension://${EXT_ID}/options.html` };
const inTab = (tabId: number, url: string): Sender => ({
  id: EXT_ID,
  url,
  tab: { id: tabId, url },
  frameId: 0,
});

interface Setup {
  policy?: Record<string, unknown>;
  /** Tabs whose overlay does not answer. */
  noOverlay?: number[];
}

async function setup({ policy = {}, noOverlay = [] }: Setup = {}) {
  const db = freshDb();
  await installPack(
    db,
    pack('crm', '1.0.0', [
      checklist('new-contact', [`${CRM}/contacts/*`]),
      tip('sales-tip', [`${CRM}/*`], { audience: { roles: ['sales'] } }),
    ]),
    { source: 'bundled' },
  );
  const sendMessage = vi.fn(async (tabId: number, _message: unknown, _options?: unknown) => {
    if (noOverlay.includes(tabId)) {
      throw new Error('Could not establish connection. Receiving end does not exist.');
    }
    return { ok: true };
  });
  const executeScript = vi.fn(async (_injection: unknown) => [{}]);
  const aidsChanged = vi.fn(async () => {});
  let clock = 1000;
  const deps: RouterDeps = {
    db,
    runtime: { id: EXT_ID, getURL: (path) => `chrome-extension://${EXT_ID}${path}` },
    tabs: {
      query: async () => [
        { id: 1, url: `${CRM}/contacts/new` },
        { id: 2, url: 'chrome://newtab/' },
      ],
      sendMessage,
    },
    scripting: { executeScript },
    aidsChanged,
    // A fresh object per test: the policy is cached per managed area.
    managed: { get: async () => policy },
    now: () => clock++,
  };
  // biome-ignore lint/suspicious/noExplicitAny: responses are checked by shape in each test.
  const ask = (message: Record<string, unknown>, sender: Sender = options): Promise<any> =>
    handleMessage(message, sender, deps);
  return { db, deps, ask, sendMessage, executeScript, aidsChanged };
}

/** Everything an authoring write may touch, to show that a refused one touched nothing. */
async function snapshot(db: ReturnType<typeof freshDb>) {
  return {
    packs: await db.packs.toArray(),
    aids: await db.aids.toArray(),
    drafts: await db.drafts.toArray(),
    versions: await db.aidVersions.toArray(),
    hostIndex: await db.hostIndex.toArray(),
  };
}

const welcome = (extra: Record<string, unknown> = {}) =>
  checklist('welcome', ['https://hr.localhost/people/*'], { title: 'Welcome a hire', ...extra });

describe('authoring: drafts and publishing', () => {
  it('saves a draft, publishes it into a new local pack, and lists and gets it', async () => {
    const { db, ask, aidsChanged, sendMessage } = await setup();
    const saved = await ask({
      type: 'authoring.saveDraft',
      key: 'my-aids/welcome',
      aid: welcome(),
    });
    expect(saved).toEqual({ ok: true, updatedAt: expect.any(Number) });
    expect(await db.drafts.get('my-aids/welcome')).toMatchObject({
      packId: 'my-aids',
      aid: welcome(),
    });

    const before = await ask({ type: 'authoring.list' });
    expect(before.aids.find((a: AuthoringListItem) => a.key === 'my-aids/welcome')).toEqual({
      key: 'my-aids/welcome',
      packId: 'my-aids',
      packTitle: 'My aids',
      packVersion: '',
      source: 'local',
      aidId: 'welcome',
      title: 'Welcome a hire',
      kind: 'checklist',
      urls: ['https://hr.localhost/people/*'],
      published: false,
      hasDraft: true,
      draftUpdatedAt: saved.updatedAt,
      missing: 0,
      healed: 0,
      editable: true,
    });

    expect(await ask({ type: 'authoring.publish', key: 'my-aids/welcome' })).toEqual({
      ok: true,
      rev: 1,
      packVersion: '1.0.0',
    });
    expect(await db.packs.get('my-aids')).toMatchObject({
      version: '1.0.0',
      title: 'My aids',
      source: 'local',
      pack: { format: 1, id: 'my-aids', aids: [welcome()] },
    });
    expect(await db.aids.get('my-aids/welcome')).toMatchObject({
      packVersion: '1.0.0',
      hostKeys: ['hr.localhost'],
      aid: welcome(),
    });
    expect([...(await keysInUse(db))]).toContain('hr.localhost');
    expect(await db.drafts.count()).toBe(0);
    expect(await db.aidVersions.toArray()).toEqual([
      {
        key: 'my-aids/welcome',
        rev: 1,
        aid: welcome(),
        packVersion: '1.0.0',
        publishedAt: expect.any(Number),
        note: 'published',
      },
    ]);
    // The overlay is registered for the new host, and open pages look their aids up again.
    expect(aidsChanged).toHaveBeenCalledTimes(1);
    expect(sendMessage).toHaveBeenCalledWith(1, { type: 'overlay.refresh' }, { frameId: 0 });
    expect(sendMessage.mock.calls.map((c) => c[0])).not.toContain(2);

    // A second version: the pack's patch version goes up, history keeps both.
    await ask({
      type: 'authoring.saveDraft',
      key: 'my-aids/welcome',
      aid: welcome({ title: 'Welcome a new hire' }),
    });
    expect(await ask({ type: 'authoring.publish', key: 'my-aids/welcome' })).toEqual({
      ok: true,
      rev: 2,
      packVersion: '1.0.1',
    });
    const got = await ask({ type: 'authoring.get', key: 'my-aids/welcome' });
    expect(got).toMatchObject({
      key: 'my-aids/welcome',
      packId: 'my-aids',
      packTitle: 'My aids',
      source: 'local',
      editable: true,
      published: { title: 'Welcome a new hire' },
      draft: null,
      reports: [],
    });
    expect(
      got.history.map((h: { rev: number; packVersion: string; aid: { title: string } }) => [
        h.rev,
        h.packVersion,
        h.aid.title,
      ]),
    ).toEqual([
      [2, '1.0.1', 'Welcome a new hire'],
      [1, '1.0.0', 'Welcome a hire'],
    ]);
    // The new version is what staff pages get, with the version events will carry.
    const page = await ask(
      { type: 'page.lookup', url: 'https://hr.localhost/people/7' },
      inTab(5, 'https://hr.localhost/people/7'),
    );
    expect(page.aids).toMatchObject([
      { key: 'my-aids/welcome', packVersion: '1.0.1', aid: { title: 'Welcome a new hire' } },
    ]);
  });

  it('keeps the author order of a pack when an aid is replaced', async () => {
    const { db, ask } = await setup();
    for (const id of ['a', 'b', 'c']) {
      await ask({ type: 'authoring.saveDraft', key: `my-aids/${id}`, aid: tip(id, [`${CRM}/*`]) });
      await ask({ type: 'authoring.publish', key: `my-aids/${id}` });
    }
    await ask({
      type: 'authoring.saveDraft',
      key: 'my-aids/b',
      aid: tip('b', [`${CRM}/*`], { text: 'Changed' }),
    });
    await ask({ type: 'authoring.publish', key: 'my-aids/b' });
    const row = await db.packs.get('my-aids');
    expect(row?.version).toBe('1.0.3');
    expect(row?.pack.aids.map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect((await db.aids.get('my-aids/b'))?.order).toBe(1);
  });

  it('refuses an invalid draft with paths relative to the aid, and changes nothing', async () => {
    const { db, ask, aidsChanged } = await setup();
    const broken = checklist('welcome', ['https://hr.localhost/:id('], {
      steps: [
        { id: 'one', text: 'First' },
        { id: 'two', text: '' },
        { id: 'one', text: 'Again' },
      ],
      colour: 'red',
    });
    await ask({ type: 'authoring.saveDraft', key: 'my-aids/welcome', aid: broken });
    const before = await snapshot(db);
    const answer = await ask({ type: 'authoring.publish', key: 'my-aids/welcome' });
    expect(answer.ok).toBe(false);
    const paths = answer.problems.map((p: { path: string }) => p.path);
    expect(paths).toContain('steps[1].text');
    expect(paths).toContain('colour');
    expect(answer.problems.find((p: { path: string }) => p.path === 'colour').message).toBe(
      'unknown field',
    );

    // Schema fixed: the duplicate step id and the URL pattern are named too.
    const { colour: _c, ...noColour } = broken;
    const steps = [
      { id: 'one', text: 'First' },
      { id: 'two', text: 'Second' },
      { id: 'one', text: 'Again' },
    ];
    await ask({ type: 'authoring.saveDraft', key: 'my-aids/welcome', aid: { ...noColour, steps } });
    const second = await ask({ type: 'authoring.publish', key: 'my-aids/welcome' });
    expect(second).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { path: 'steps[2].id', message: expect.stringMatching(/duplicate step id "one"/) },
      ]),
    });

    // A draft whose id is not the key's.
    await ask({
      type: 'authoring.saveDraft',
      key: 'my-aids/welcome',
      aid: checklist('hello', ['https://hr.localhost/*']),
    });
    expect(await ask({ type: 'authoring.publish', key: 'my-aids/welcome' })).toEqual({
      ok: false,
      problems: [{ path: 'id', message: expect.stringContaining('"welcome"') }],
    });

    const after = await snapshot(db);
    expect({ ...after, drafts: [] }).toEqual({ ...before, drafts: [] });
    expect(await db.packs.get('my-aids')).toBeUndefined();
    expect(await db.drafts.count()).toBe(1);
    expect(aidsChanged).not.toHaveBeenCalled();
  });

  it('refuses a URL pattern that does not compile, at its path', async () => {
    const { ask } = await setup();
    await ask({
      type: 'authoring.saveDraft',
      key: 'my-aids/welcome',
      aid: checklist('welcome', ['https://hr.localhost/', 'https://hr.localhost/:id(']),
    });
    expect(await ask({ type: 'authoring.publish', key: 'my-aids/welcome' })).toEqual({
      ok: false,
      problems: [
        { path: 'match.urls[1]', message: expect.stringContaining('invalid URL pattern') },
      ],
    });
  });

  it('refuses to publish without a draft, a malformed key, and a draft that is too large', async () => {
    const { db, ask } = await setup();
    expect(await ask({ type: 'authoring.publish', key: 'my-aids/nothing' })).toEqual({
      error: 'authoring.publish: my-aids/nothing has no draft to publish',
    });
    expect(await ask({ type: 'authoring.saveDraft', key: 'no-slash', aid: {} })).toEqual({
      error: expect.stringContaining('"no-slash" is not an aid key'),
    });
    const huge = welcome({ description: 'x'.repeat(210 * 1024) });
    expect(await ask({ type: 'authoring.saveDraft', key: 'my-aids/welcome', aid: huge })).toEqual({
      error: expect.stringMatching(/too large: \d+ KB of JSON, at most 200 KB/),
    });
    expect(await ask({ type: 'authoring.saveDraft', key: 'other/welcome', aid: {} })).toEqual({
      error: expect.stringContaining('“other” is not installed'),
    });
    expect(await db.drafts.count()).toBe(0);
  });

  it('keeps invalid drafts as they are and lists them defensively', async () => {
    const { ask } = await setup();
    await ask({ type: 'authoring.saveDraft', key: 'my-aids/half', aid: { match: 'oops' } });
    await ask({ type: 'authoring.saveDraft', key: 'my-aids/list', aid: [1, 2] });
    const { aids } = await ask({ type: 'authoring.list' });
    expect(aids.filter((a: AuthoringListItem) => a.packId === 'my-aids')).toMatchObject([
      { key: 'my-aids/half', title: 'half', kind: '', urls: [], published: false },
      { key: 'my-aids/list', title: 'list', kind: '', urls: [], published: false },
    ]);
    expect(await ask({ type: 'authoring.get', key: 'my-aids/half' })).toMatchObject({
      published: null,
      draft: { aid: { match: 'oops' } },
    });
  });

  it('discards a draft', async () => {
    const { db, ask } = await setup();
    await ask({ type: 'authoring.saveDraft', key: 'my-aids/welcome', aid: welcome() });
    expect(await ask({ type: 'authoring.discardDraft', key: 'my-aids/welcome' })).toEqual({
      ok: true,
    });
    expect(await db.drafts.count()).toBe(0);
    expect(await ask({ type: 'authoring.get', key: 'my-aids/welcome' })).toEqual({
      error: 'authoring.get: no aid my-aids/welcome',
    });
  });
});

describe('authoring: who may write', () => {
  it("keeps the organisation's packs read-only, with the reason", async () => {
    const { db, ask } = await setup();
    const { aids } = await ask({ type: 'authoring.list' });
    expect(aids.find((a: AuthoringListItem) => a.key === 'crm/new-contact')).toMatchObject({
      packTitle: 'Pack crm',
      packVersion: '1.0.0',
      source: 'bundled',
      published: true,
      editable: false,
      readOnlyReason: expect.stringContaining("From your organisation's pack “Pack crm”"),
    });
    const before = await snapshot(db);
    const draft = checklist('new-contact', [`${CRM}/contacts/*`], { title: 'Mine' });
    expect(await ask({ type: 'authoring.saveDraft', key: 'crm/new-contact', aid: draft })).toEqual({
      error: expect.stringContaining('read-only'),
    });
    expect(await ask({ type: 'authoring.delete', key: 'crm/new-contact' })).toEqual({
      error: expect.stringContaining('read-only'),
    });
    expect(await snapshot(db)).toEqual(before);
  });

  it("lets authors edit the organisation's packs when the policy says so, keeping its version", async () => {
    const { db, ask } = await setup({ policy: { authorsMayEditAdminPacks: true } });
    const item = (await ask({ type: 'authoring.list' })).aids.find(
      (a: AuthoringListItem) => a.key === 'crm/new-contact',
    );
    expect(item).toMatchObject({ editable: true });
    expect(item.readOnlyReason).toBeUndefined();
    const original = (await db.aids.get('crm/new-contact'))!.aid;
    const draft = checklist('new-contact', [`${CRM}/contacts/*`], { title: 'Mine' });
    await ask({ type: 'authoring.saveDraft', key: 'crm/new-contact', aid: draft });
    expect(await ask({ type: 'authoring.publish', key: 'crm/new-contact' })).toEqual({
      ok: true,
      rev: 2,
      packVersion: '1.0.0',
    });
    expect(await db.packs.get('crm')).toMatchObject({
      version: '1.0.0',
      source: 'bundled',
      editedLocally: true,
    });
    expect((await db.aids.get('crm/new-contact'))?.aid.title).toBe('Mine');
    // The version it replaced is kept, so it can be restored.
    const history = await db.aidVersions.where('key').equals('crm/new-contact').toArray();
    expect(history.map((h) => [h.rev, h.note, h.aid.title])).toEqual([
      [1, 'as installed (pack version 1.0.0)', original.title],
      [2, 'published', 'Mine'],
    ]);

    // The organisation's next version replaces the edit; editing again keeps that one too.
    await installPack(
      db,
      pack('crm', '1.1.0', [checklist('new-contact', [`${CRM}/contacts/*`], { title: 'Org 1.1' })]),
      { source: 'bundled', policy: () => null },
    );
    expect((await db.packs.get('crm'))?.editedLocally).toBeUndefined();
    await ask({ type: 'authoring.saveDraft', key: 'crm/new-contact', aid: draft });
    expect(await ask({ type: 'authoring.publish', key: 'crm/new-contact' })).toMatchObject({
      ok: true,
      rev: 4,
      packVersion: '1.1.0',
    });
    const again = await db.aidVersions.where('key').equals('crm/new-contact').toArray();
    expect(again.map((h) => [h.rev, h.note, h.aid.title]).slice(2)).toEqual([
      [3, 'as installed (pack version 1.1.0)', 'Org 1.1'],
      [4, 'published', 'Mine'],
    ]);
  });

  it('refuses every write when the organisation turned authoring off', async () => {
    const { db, ask } = await setup({ policy: { allowLocalAuthoring: false } });
    const before = await snapshot(db);
    const off = { error: expect.stringContaining('Your organisation has turned off authoring') };
    const exported = await ask({ type: 'authoring.export', keys: ['crm/new-contact'] });
    const text = JSON.stringify({ ...exported.pack, id: 'other' });
    for (const message of [
      { type: 'authoring.saveDraft', key: 'my-aids/welcome', aid: welcome() },
      { type: 'authoring.publish', key: 'my-aids/welcome' },
      { type: 'authoring.copy', key: 'crm/new-contact' },
      { type: 'authoring.delete', key: 'crm/new-contact' },
      { type: 'authoring.restore', key: 'crm/new-contact', rev: 1 },
      { type: 'authoring.import', text },
      { type: 'authoring.preview', tabId: 1, aid: welcome() },
    ]) {
      expect(await ask(message)).toEqual(off);
    }
    expect(await snapshot(db)).toEqual(before);
    expect(await db.previews.count()).toBe(0);
    const { aids } = await ask({ type: 'authoring.list' });
    expect(aids.every((a: AuthoringListItem) => !a.editable)).toBe(true);
  });
});

describe('authoring: import of field checks', () => {
  it('refuses a pattern that could backtrack catastrophically, naming its JSON path; nothing is stored', async () => {
    const { db, ask } = await setup();
    const before = await snapshot(db);
    const text = JSON.stringify(
      pack('name-checks', '1.0.0', [
        {
          id: 'names',
          kind: 'checks',
          title: 'Names',
          match: { urls: [`${CRM}/contacts/*`] },
          checks: [
            {
              id: 'letters',
              field: { label: 'Last name' },
              rule: { type: 'pattern', pattern: '^(\\w+\\s?)*$' },
              message: 'Letters only',
            },
          ],
        },
      ]),
    );
    expect(await ask({ type: 'authoring.import', text })).toEqual({
      ok: false,
      problems: [
        {
          path: 'aids[0].checks[0].rule.pattern',
          message: expect.stringMatching(/^refused: nested repetition "\(\\w\+\\s\?\)\*"/),
        },
      ],
    });
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('authoring: copy, delete, restore', () => {
  it('copies an aid into a draft of the local pack under a free id', async () => {
    const { db, ask } = await setup();
    expect(await ask({ type: 'authoring.copy', key: 'crm/new-contact' })).toEqual({
      ok: true,
      key: 'my-aids/new-contact-copy',
    });
    expect(await db.drafts.get('my-aids/new-contact-copy')).toMatchObject({
      packId: 'my-aids',
      aid: { id: 'new-contact-copy', title: 'Checklist new-contact (copy)', kind: 'checklist' },
    });
    expect(await ask({ type: 'authoring.copy', key: 'crm/new-contact' })).toEqual({
      ok: true,
      key: 'my-aids/new-contact-copy-2',
    });
    // The copy is the author's: it publishes into the local pack.
    expect(await ask({ type: 'authoring.publish', key: 'my-aids/new-contact-copy' })).toEqual({
      ok: true,
      rev: 1,
      packVersion: '1.0.0',
    });
    expect((await db.aidVersions.get(['my-aids/new-contact-copy', 1]))?.note).toBe(
      'copied from crm/new-contact',
    );
    expect(await ask({ type: 'authoring.copy', key: 'crm/ghost' })).toEqual({
      error: 'authoring.copy: no aid crm/ghost',
    });
  });

  it('deletes an aid from its pack in a new version, keeping its history', async () => {
    const { db, ask, aidsChanged } = await setup();
    await ask({ type: 'authoring.saveDraft', key: 'my-aids/welcome', aid: welcome() });
    await ask({ type: 'authoring.publish', key: 'my-aids/welcome' });
    await ask({ type: 'authoring.saveDraft', key: 'my-aids/t', aid: tip('t', [`${CRM}/*`]) });
    await ask({ type: 'authoring.publish', key: 'my-aids/t' });
    await ask({
      type: 'authoring.saveDraft',
      key: 'my-aids/welcome',
      aid: welcome({ title: 'X' }),
    });
    aidsChanged.mockClear();

    expect(await ask({ type: 'authoring.delete', key: 'my-aids/welcome' })).toEqual({ ok: true });
    expect(await db.aids.get('my-aids/welcome')).toBeUndefined();
    expect(await db.drafts.get('my-aids/welcome')).toBeUndefined();
    expect(await db.packs.get('my-aids')).toMatchObject({
      version: '1.0.2',
      pack: { aids: [{ id: 't' }] },
    });
    expect((await db.aids.get('my-aids/t'))?.packVersion).toBe('1.0.2');
    expect([...(await keysInUse(db))]).not.toContain('hr.localhost');
    expect(await db.aidVersions.where('key').equals('my-aids/welcome').count()).toBe(1);
    expect(aidsChanged).toHaveBeenCalledTimes(1);
    expect(await ask({ type: 'authoring.delete', key: 'my-aids/welcome' })).toEqual({
      error: 'authoring.delete: no aid my-aids/welcome',
    });
  });

  it('deletes a draft of an aid never published', async () => {
    const { db, ask } = await setup();
    await ask({ type: 'authoring.saveDraft', key: 'my-aids/welcome', aid: welcome() });
    expect(await ask({ type: 'authoring.delete', key: 'my-aids/welcome' })).toEqual({ ok: true });
    expect(await db.drafts.count()).toBe(0);
    expect(await db.packs.get('my-aids')).toBeUndefined();
  });

  it('restores a version as the draft, and says so in the next version', async () => {
    const { db, ask } = await setup();
    await ask({ type: 'authoring.saveDraft', key: 'my-aids/welcome', aid: welcome() });
    await ask({ type: 'authoring.publish', key: 'my-aids/welcome' });
    await ask({
      type: 'authoring.saveDraft',
      key: 'my-aids/welcome',
      aid: welcome({ title: 'B' }),
    });
    await ask({ type: 'authoring.publish', key: 'my-aids/welcome' });

    expect(await ask({ type: 'authoring.restore', key: 'my-aids/welcome', rev: 1 })).toEqual({
      ok: true,
    });
    expect((await db.drafts.get('my-aids/welcome'))?.aid).toEqual(welcome());
    expect((await db.aids.get('my-aids/welcome'))?.aid.title).toBe('B');
    expect(await ask({ type: 'authoring.publish', key: 'my-aids/welcome' })).toMatchObject({
      ok: true,
      rev: 3,
    });
    expect(await db.aidVersions.get(['my-aids/welcome', 3])).toMatchObject({
      note: 'restored from version 1',
      aid: welcome(),
    });
    expect(await ask({ type: 'authoring.restore', key: 'my-aids/welcome', rev: 9 })).toEqual({
      error: 'authoring.restore: my-aids/welcome has no version 9',
    });
  });
});

describe('authoring: export and import', () => {
  it('exports published aids as a pack that imports elsewhere as the same JSON', async () => {
    const { db, ask } = await setup();
    await ask({ type: 'authoring.saveDraft', key: 'my-aids/welcome', aid: welcome() });
    await ask({ type: 'authoring.publish', key: 'my-aids/welcome' });
    const exported = await ask({
      type: 'authoring.export',
      keys: ['my-aids/welcome', 'crm/sales-tip'],
    });
    expect(exported.fileName).toBe('exported-aids-1.0.0.json');
    expect(exported.pack).toMatchObject({
      format: 1,
      id: 'exported-aids',
      version: '1.0.0',
      title: 'Exported aids',
    });
    const stored = [
      (await db.aids.get('my-aids/welcome'))!.aid,
      (await db.aids.get('crm/sales-tip'))!.aid,
    ];
    expect(exported.pack.aids).toEqual(stored);

    const other = await setup();
    const text = JSON.stringify(exported.pack, null, 2);
    expect(await other.ask({ type: 'authoring.import', text })).toEqual({
      ok: true,
      packId: 'exported-aids',
      version: '1.0.0',
      aids: 2,
      status: 'installed',
    });
    const imported = [
      (await other.db.aids.get('exported-aids/welcome'))!.aid,
      (await other.db.aids.get('exported-aids/sales-tip'))!.aid,
    ];
    expect(imported).toEqual(stored);
    expect(JSON.stringify(imported)).toBe(JSON.stringify(stored));
    expect(await other.db.packs.get('exported-aids')).toMatchObject({ source: 'import' });
    expect(await other.db.aidVersions.toArray()).toMatchObject([
      { key: 'exported-aids/sales-tip', rev: 1, note: 'imported', packVersion: '1.0.0' },
      { key: 'exported-aids/welcome', rev: 1, note: 'imported', packVersion: '1.0.0' },
    ]);
    expect(other.aidsChanged).toHaveBeenCalledTimes(1);
    // Imported packs are editable.
    const item = (await other.ask({ type: 'authoring.list' })).aids.find(
      (a: AuthoringListItem) => a.key === 'exported-aids/welcome',
    );
    expect(item).toMatchObject({ editable: true, source: 'import' });

    // The same file again: nothing to do.
    const before = await snapshot(other.db);
    expect(await other.ask({ type: 'authoring.import', text })).toMatchObject({
      ok: true,
      status: 'unchanged',
    });
    expect(await snapshot(other.db)).toEqual(before);
    // Other content under the same version, or a lower version: refused at `version`.
    const changed = { ...exported.pack, title: 'Changed' };
    expect(await other.ask({ type: 'authoring.import', text: JSON.stringify(changed) })).toEqual({
      ok: false,
      problems: [{ path: 'version', message: expect.stringContaining('raise the version') }],
    });
    const lower = { ...exported.pack, version: '0.9.0' };
    expect(await other.ask({ type: 'authoring.import', text: JSON.stringify(lower) })).toEqual({
      ok: false,
      problems: [{ path: 'version', message: expect.stringContaining('lower than') }],
    });
    expect(await snapshot(other.db)).toEqual(before);
  });

  it('names the export by the id asked for, and refuses unknown keys', async () => {
    const { ask } = await setup();
    const named = await ask({
      type: 'authoring.export',
      keys: ['crm/new-contact'],
      id: 'onboarding',
      title: 'Onboarding',
    });
    expect(named).toMatchObject({
      fileName: 'onboarding-1.0.0.json',
      pack: { id: 'onboarding', title: 'Onboarding', aids: [{ id: 'new-contact' }] },
    });
    expect(await ask({ type: 'authoring.export', keys: ['crm/new-contact', 'crm/ghost'] })).toEqual(
      { error: 'authoring.export: no published aid crm/ghost' },
    );
    expect(
      await ask({ type: 'authoring.export', keys: ['crm/new-contact'], id: 'Not An Id' }),
    ).toEqual({ error: expect.stringContaining('id: must be a lower-case id') });
  });

  it('refuses broken JSON and invalid packs with their paths, writing nothing', async () => {
    const { db, ask, aidsChanged } = await setup();
    const before = await snapshot(db);
    const broken = await ask({ type: 'authoring.import', text: '{"format": 1,' });
    expect(broken).toEqual({
      ok: false,
      problems: [{ path: '', message: expect.stringContaining('not valid JSON') }],
    });
    const invalid = pack('mine', '1.0.0', [
      checklist('a', [`${CRM}/*`]),
      checklist('b', [`${CRM}/*`], {
        steps: [
          { id: 's', text: 'ok' },
          { id: 't', text: '' },
        ],
      }),
    ]);
    const answer = await ask({ type: 'authoring.import', text: JSON.stringify(invalid) });
    expect(answer).toEqual({
      ok: false,
      problems: [{ path: 'aids[1].steps[1].text', message: 'must not be empty' }],
    });
    expect(await snapshot(db)).toEqual(before);
    expect(aidsChanged).not.toHaveBeenCalled();
  });

  it("refuses to import over the organisation's pack unless authors may edit it", async () => {
    const { db, ask } = await setup();
    const over = pack('crm', '2.0.0', [checklist('new-contact', [`${CRM}/contacts/*`])]);
    const text = JSON.stringify(over);
    expect(await ask({ type: 'authoring.import', text })).toEqual({
      ok: false,
      problems: [{ path: 'id', message: expect.stringContaining("your organisation's pack") }],
    });
    expect((await db.packs.get('crm'))?.version).toBe('1.0.0');

    const allowed = await setup({ policy: { authorsMayEditAdminPacks: true } });
    expect(await allowed.ask({ type: 'authoring.import', text })).toMatchObject({
      ok: true,
      status: 'installed',
    });
    expect(await allowed.db.packs.get('crm')).toMatchObject({ version: '2.0.0', source: 'import' });
    expect(await allowed.db.aids.get('crm/sales-tip')).toBeUndefined();
  });

  it('keeps the signature of a signed pack as it is', async () => {
    const { db, ask } = await setup();
    const signature = { alg: 'Ed25519', keyId: '0123456789abcdef', value: 'c2lnbmF0dXJl' };
    const signed = pack('signed', '1.0.0', [tip('t', [`${CRM}/*`])], { signature });
    expect(await ask({ type: 'authoring.import', text: JSON.stringify(signed) })).toMatchObject({
      ok: true,
      status: 'installed',
    });
    expect((await db.packs.get('signed'))?.pack.signature).toEqual(signature);
    // An edit changes what the signature covered: the edited pack is not signed any more.
    await ask({
      type: 'authoring.saveDraft',
      key: 'signed/t',
      aid: tip('t', [`${CRM}/*`], { text: 'Edited' }),
    });
    expect(await ask({ type: 'authoring.publish', key: 'signed/t' })).toMatchObject({
      ok: true,
      rev: 2,
      packVersion: '1.0.1',
    });
    const edited = await db.packs.get('signed');
    expect(edited).toMatchObject({ version: '1.0.1', source: 'import' });
    expect(edited?.pack.signature).toBeUndefined();
    expect(edited?.editedLocally).toBeUndefined();
  });
});

describe('authoring: preview', () => {
  const PAGE = `${CRM}/contacts/new`;
  const lookupIn = (tabId: number) => [{ type: 'page.lookup', url: PAGE }, inTab(tabId, PAGE)];

  it('shows a draft in its tab only, in place of the published aid', async () => {
    const { db, ask, sendMessage, executeScript } = await setup();
    const draft = checklist('new-contact', [`${CRM}/contacts/*`], { title: 'Draft title' });
    expect(
      await ask({ type: 'authoring.preview', tabId: 1, key: 'crm/new-contact', aid: draft }),
    ).toEqual({ ok: true });
    expect(await db.previews.get(1)).toMatchObject({ tabId: 1, key: 'crm/new-contact' });
    expect(sendMessage).toHaveBeenCalledWith(1, { type: 'overlay.refresh' }, { frameId: 0 });
    expect(executeScript).not.toHaveBeenCalled();

    const [message, sender] = lookupIn(1) as [Record<string, unknown>, Sender];
    const here = await ask(message, sender);
    expect(here.aids).toEqual([
      {
        key: 'crm/new-contact',
        packId: 'crm',
        packVersion: 'draft',
        aid: expect.objectContaining({ title: 'Draft title' }),
        progress: null,
        preview: true,
      },
    ]);
    const [m2, s2] = lookupIn(9) as [Record<string, unknown>, Sender];
    const elsewhere = await ask(m2, s2);
    expect(elsewhere.aids).toMatchObject([
      { key: 'crm/new-contact', aid: { title: 'Checklist new-contact' } },
    ]);
    expect(elsewhere.aids[0].preview).toBeUndefined();
    // Nothing was published.
    expect((await db.aids.get('crm/new-contact'))?.aid.title).toBe('Checklist new-contact');

    // A URL the draft does not match shows nothing of it.
    const off = await ask(
      { type: 'page.lookup', url: `${CRM}/deals/1` },
      inTab(1, `${CRM}/deals/1`),
    );
    expect(off.aids).toEqual([]);

    expect(await ask({ type: 'authoring.preview', tabId: 1, aid: null })).toEqual({ ok: true });
    expect(await db.previews.count()).toBe(0);
    expect((await ask(message, sender)).aids[0].preview).toBeUndefined();
  });

  it('runs the overlay in a tab that does not have it', async () => {
    const { db, ask, executeScript } = await setup({ noOverlay: [4] });
    expect(await ask({ type: 'authoring.preview', tabId: 4, aid: welcome() })).toEqual({
      ok: true,
    });
    expect(executeScript).toHaveBeenCalledWith({
      target: { tabId: 4, allFrames: true },
      files: ['overlay.js'],
    });
    // Without a key: a new aid of the local pack.
    expect(await db.previews.get(4)).toMatchObject({ key: 'my-aids/welcome' });
    const page = await ask(
      { type: 'page.lookup', url: 'https://hr.localhost/people/1' },
      inTab(4, 'https://hr.localhost/people/1'),
    );
    expect(page.aids).toMatchObject([{ key: 'my-aids/welcome', packId: 'my-aids', preview: true }]);
  });

  it('refuses an invalid draft with its problems, and a tab it cannot script', async () => {
    const { db, ask, executeScript } = await setup({ noOverlay: [4] });
    expect(await ask({ type: 'authoring.preview', tabId: 1, aid: welcome({ title: '' }) })).toEqual(
      {
        ok: false,
        problems: [{ path: 'title', message: expect.any(String) }],
      },
    );
    executeScript.mockRejectedValueOnce(new Error('Cannot access a chrome:// URL'));
    expect(await ask({ type: 'authoring.preview', tabId: 4, aid: welcome() })).toEqual({
      error: expect.stringContaining('Cannot access a chrome:// URL'),
    });
    expect(await db.previews.count()).toBe(0);
  });

  it('finds the aid a draft stands for by its id when no key is given', async () => {
    const { db, ask } = await setup();
    await ask({ type: 'authoring.preview', tabId: 1, aid: tip('sales-tip', [`${CRM}/*`]) });
    expect((await db.previews.get(1))?.key).toBe('crm/sales-tip');
  });
});

describe('authoring: URL tester', () => {
  it('says which aids apply to a URL and why the others do not', async () => {
    const { ask } = await setup();
    const url = `${CRM}/contacts/new`;
    expect(await ask({ type: 'authoring.testUrl', url })).toEqual({
      results: [
        { key: 'crm/new-contact', title: 'Checklist new-contact', applies: true, reasons: [] },
        {
          key: 'crm/sales-tip',
          title: 'Tip sales-tip',
          applies: false,
          reasons: ['only for roles: sales; no role set'],
        },
      ],
    });
    const asSales = await ask({ type: 'authoring.testUrl', url, role: 'sales' });
    expect(asSales.results.map((r: { applies: boolean }) => r.applies)).toEqual([true, true]);
    const asAgent = await ask({ type: 'authoring.testUrl', url: `${CRM}/deals`, role: 'agent' });
    expect(asAgent.results).toEqual([
      {
        key: 'crm/new-contact',
        title: 'Checklist new-contact',
        applies: false,
        reasons: [`its URL pattern "${CRM}/contacts/*" does not match`],
      },
      {
        key: 'crm/sales-tip',
        title: 'Tip sales-tip',
        applies: false,
        reasons: ['only for roles: sales; you are: agent'],
      },
    ]);
    expect(await ask({ type: 'authoring.testUrl', url: 'crm/contacts' })).toEqual({
      error: 'authoring.testUrl: not a URL: crm/contacts',
    });
  });

  it('uses the role from the settings when the request names none', async () => {
    const { ask } = await setup({ policy: { role: 'sales' } });
    const { results } = await ask({ type: 'authoring.testUrl', url: `${CRM}/contacts/new` });
    expect(results.every((r: { applies: boolean }) => r.applies)).toBe(true);
  });
});

describe('authoring: reports of targets', () => {
  it('counts what staff pages reported, per target, in the list and the aid', async () => {
    const { ask } = await setup();
    const page = `${CRM}/contacts/new`;
    const content = inTab(1, page);
    const report = (extra: Record<string, unknown>) =>
      ask(
        {
          type: 'event.record',
          event: { aidKey: 'crm/new-contact', url: `${page}?q=1`, at: 1, ...extra },
        },
        content,
      );
    await report({ type: 'target_missing', stepId: 'email', failedSignals: ['css'] });
    await report({ type: 'target_missing', stepId: 'email', failedSignals: ['css', 'label'] });
    await report({
      type: 'target_healed',
      stepId: 'name',
      foundBy: 'label',
      failedSignals: ['css'],
    });
    await report({ type: 'step_done', stepId: 'name' });

    const { aids } = await ask({ type: 'authoring.list' });
    expect(aids.find((a: AuthoringListItem) => a.key === 'crm/new-contact')).toMatchObject({
      missing: 2,
      healed: 1,
    });
    const got = await ask({ type: 'authoring.get', key: 'crm/new-contact' });
    expect(got.reports).toEqual([
      {
        stepId: 'name',
        type: 'target_healed',
        count: 1,
        lastAt: expect.any(Number),
        lastUrl: page,
        foundBy: 'label',
        failedSignals: ['css'],
      },
      {
        stepId: 'email',
        type: 'target_missing',
        count: 2,
        lastAt: expect.any(Number),
        lastUrl: page,
        failedSignals: ['css', 'label'],
      },
    ]);
    expect(got.history).toEqual([]);
    expect(got.editable).toBe(false);
    expect(await ask({ type: 'authoring.get', key: 'crm/ghost' })).toEqual({
      error: 'authoring.get: no aid crm/ghost',
    });
  });
});
