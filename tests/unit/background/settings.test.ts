import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { installPack } from '../../../src/background/packs';
import { handleMessage, type RouterDeps, type Sender } from '../../../src/background/router';
import {
  forgetPolicy,
  type ManagedArea,
  onLatePolicy,
  POLICY_FIRST_WAIT_MS,
  policyValues,
  readPolicy,
  resolveSettings,
  SETTING_KEYS,
  SettingRefused,
  setLocalSetting,
} from '../../../src/background/settings';
import { FIELDS } from '../../../src/options/fields';
import { DEFAULT_SETTINGS, Settings } from '../../../src/protocol/settings';
import { checklist, freshDb, pack } from './fixtures';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const KEY_A = `${'A'.repeat(43)}=`;

/** A managed storage area holding `policy`. */
function policyArea(policy: Record<string, unknown>): ManagedArea & { policy: typeof policy } {
  return {
    policy,
    async get() {
      return structuredClone(this.policy);
    },
  };
}

beforeEach(() => {
  forgetPolicy();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

describe('public/managed_schema.json', () => {
  const schema = JSON.parse(readFileSync(resolve(ROOT, 'public/managed_schema.json'), 'utf8'));

  /** The type Chrome's managed schema should give a zod type. */
  function expectCompatible(zodType: z.ZodType, node: Record<string, unknown>, where: string) {
    if (zodType instanceof z.ZodDefault || zodType instanceof z.ZodOptional) {
      return expectCompatible(zodType.unwrap() as z.ZodType, node, where);
    }
    // A value checked and rewritten (the help shortcut): the browser sees what goes in.
    if (zodType instanceof z.ZodPipe) return expectCompatible(zodType.in as z.ZodType, node, where);
    if (zodType instanceof z.ZodString) return expect(node.type, where).toBe('string');
    if (zodType instanceof z.ZodBoolean) return expect(node.type, where).toBe('boolean');
    if (zodType instanceof z.ZodEnum) {
      // The browser refuses a value outside the list, as the contract does.
      expect(node.type, where).toBe('string');
      return expect(node.enum, where).toEqual(zodType.options);
    }
    if (zodType instanceof z.ZodNumber) {
      return expect(['number', 'integer'], where).toContain(node.type);
    }
    if (zodType instanceof z.ZodUnion) {
      // url().or(literal('')): a string either way.
      return expect(node.type, where).toBe('string');
    }
    if (zodType instanceof z.ZodArray) {
      expect(node.type, where).toBe('array');
      return expectCompatible(
        zodType.element as z.ZodType,
        node.items as Record<string, unknown>,
        `${where}[]`,
      );
    }
    if (zodType instanceof z.ZodObject) {
      expect(node.type, where).toBe('object');
      const properties = node.properties as Record<string, Record<string, unknown>>;
      expect(Object.keys(properties).sort(), where).toEqual(Object.keys(zodType.shape).sort());
      for (const [key, inner] of Object.entries(zodType.shape)) {
        expectCompatible(inner as z.ZodType, properties[key]!, `${where}.${key}`);
      }
      return;
    }
    throw new Error(`${where}: no managed schema type known for this zod type`);
  }

  it('is an object schema with every setting, each with a compatible type', () => {
    expect(schema.type).toBe('object');
    expectCompatible(Settings, schema, 'settings');
  });

  it('the options page has a field for every setting', () => {
    expect(Object.keys(FIELDS).sort()).toEqual([...SETTING_KEYS].sort());
  });
});

describe('resolveSettings', () => {
  it('gives the defaults when neither policy nor the options page set anything', async () => {
    const db = freshDb();
    expect(await resolveSettings({ db, managed: policyArea({}) })).toEqual({
      values: DEFAULT_SETTINGS,
      managed: [],
      ignored: [],
    });
    expect(await resolveSettings({ db, managed: null })).toMatchObject({ managed: [] });
  });

  it('policy wins over the options page, key by key, and its keys are listed', async () => {
    const db = freshDb();
    await db.settings.bulkPut([
      { key: 'role', value: 'local-role' },
      { key: 'team', value: 'local-team' },
    ]);
    const managed = policyArea({
      role: 'agent',
      packSources: [{ url: 'https://packs.example.com/crm.json', publicKey: KEY_A }],
    });
    const resolved = await resolveSettings({ db, managed });
    expect(resolved.values.role).toBe('agent');
    expect(resolved.values.team).toBe('local-team');
    expect(resolved.values.packSources).toEqual([
      { url: 'https://packs.example.com/crm.json', publicKey: KEY_A },
    ]);
    expect(resolved.managed.sort()).toEqual(['packSources', 'role']);
  });

  it('ignores invalid policy values with a named reason, and never throws', async () => {
    const db = freshDb();
    await db.settings.put({ key: 'syncIntervalMinutes', value: 30 });
    const managed = policyArea({
      syncIntervalMinutes: 0,
      requireSignatures: 'yes',
      colour: 'blue',
      packSources: [
        { url: 'not a url' },
        { url: 'https://packs.example.com/good.json' },
        { url: 'https://packs.example.com/x.json', extra: 1 },
      ],
    });
    const resolved = await resolveSettings({ db, managed });
    // Ignored: the local value, then the default, apply.
    expect(resolved.values.syncIntervalMinutes).toBe(30);
    expect(resolved.values.requireSignatures).toBe(true);
    // One bad source does not lose the others.
    expect(resolved.values.packSources).toEqual([{ url: 'https://packs.example.com/good.json' }]);
    expect(resolved.managed).toEqual(['packSources']);
    const reasons = resolved.ignored.map((p) => p.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^syncIntervalMinutes: .*>=1/),
        expect.stringMatching(/^requireSignatures: .*expected boolean/),
        'colour: not a setting of Inflow',
        expect.stringMatching(/^packSources\[0\]\.url: /),
        expect.stringMatching(/^packSources\[2\]\.extra: unknown field/),
      ]),
    );
    expect(console.warn).toHaveBeenCalledWith(
      expect.stringContaining('policy value ignored: colour'),
    );
  });

  it('a policy area that fails to read counts as no policy', async () => {
    const db = freshDb();
    const managed: ManagedArea = {
      get: async () => {
        throw new Error('Managed storage manifest not found');
      },
    };
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    expect((await resolveSettings({ db, managed })).managed).toEqual([]);
  });

  it('ignores stored values that no longer fit the contract', async () => {
    const db = freshDb();
    await db.settings.put({ key: 'syncIntervalMinutes', value: 'soon' });
    expect((await resolveSettings({ db, managed: null })).values.syncIntervalMinutes).toBe(60);
  });

  it('caches the policy until forgetPolicy()', async () => {
    const area = policyArea({ role: 'a' });
    const get = vi.spyOn(area, 'get');
    expect((await readPolicy(area)).values).toEqual({ role: 'a' });
    area.policy = { role: 'b' };
    expect((await readPolicy(area)).values).toEqual({ role: 'a' });
    forgetPolicy();
    expect((await readPolicy(area)).values).toEqual({ role: 'b' });
    expect(get).toHaveBeenCalledTimes(2);
  });

  describe('when managed storage is slow to answer', () => {
    /** A managed area whose read answers only when `answer` is called. */
    function slowArea() {
      let answer!: (policy: Record<string, unknown>) => void;
      const read = new Promise<Record<string, unknown>>((resolve) => {
        answer = resolve;
      });
      return { area: { get: () => read } as ManagedArea, answer };
    }
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

    it('keeps each fresh read in the store', async () => {
      const db = freshDb();
      await resolveSettings({ db, managed: policyArea({ role: 'agent' }) });
      await settle();
      expect((await db.settings.get('policy'))?.value).toEqual({ role: 'agent' });
    });

    it('answers from the policy kept last time, then applies the late read and says what changed', async () => {
      const db = freshDb();
      await db.settings.put({ key: 'policy', value: { role: 'agent', team: 'north' } });
      const late = vi.fn();
      onLatePolicy(late);
      const { area, answer } = slowArea();
      const first = await resolveSettings({ db, managed: area });
      expect(first.values).toMatchObject({ role: 'agent', team: 'north' });
      expect(first.managed).toEqual(['role', 'team']);
      expect(late).not.toHaveBeenCalled();

      answer({ role: 'agent', team: 'south', locale: 'fr' });
      await settle();
      expect(late).toHaveBeenCalledWith(['locale', 'team']);
      expect((await resolveSettings({ db, managed: area })).values).toMatchObject({
        role: 'agent',
        team: 'south',
        locale: 'fr',
      });
      expect((await db.settings.get('policy'))?.value).toEqual({
        role: 'agent',
        team: 'south',
        locale: 'fr',
      });
      onLatePolicy(null);
    });

    it('with nothing kept, waits a while for the first read, then goes on without a policy', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout'] });
      try {
        const db = freshDb();
        const late = vi.fn();
        onLatePolicy(late);
        const { area, answer } = slowArea();
        let resolved: Awaited<ReturnType<typeof resolveSettings>> | null = null;
        void resolveSettings({ db, managed: area }).then((view) => {
          resolved = view;
        });
        // The wait starts once the store said it keeps nothing.
        await vi.waitFor(() => expect(vi.getTimerCount()).toBe(1));
        await vi.advanceTimersByTimeAsync(POLICY_FIRST_WAIT_MS - 100);
        expect(resolved).toBeNull();
        await vi.advanceTimersByTimeAsync(200);
        expect(resolved!.values.role).toBe(DEFAULT_SETTINGS.role);
        expect(resolved!.managed).toEqual([]);
        answer({ role: 'supervisor' });
        await vi.advanceTimersByTimeAsync(10);
        expect(late).toHaveBeenCalledWith(['role']);
        expect((await resolveSettings({ db, managed: area })).values.role).toBe('supervisor');
      } finally {
        onLatePolicy(null);
        vi.useRealTimers();
      }
    });

    it('says nothing when the late read is the policy kept', async () => {
      const db = freshDb();
      await db.settings.put({ key: 'policy', value: { role: 'agent' } });
      const late = vi.fn();
      onLatePolicy(late);
      const { area, answer } = slowArea();
      expect((await resolveSettings({ db, managed: area })).values.role).toBe('agent');
      answer({ role: 'agent' });
      await settle();
      expect(late).not.toHaveBeenCalled();
      onLatePolicy(null);
    });

    it('a policy value that is not valid is ignored from the kept copy too', async () => {
      const db = freshDb();
      await db.settings.put({
        key: 'policy',
        value: { syncIntervalMinutes: 'soon', role: 'agent' },
      });
      const view = await resolveSettings({ db, managed: slowArea().area });
      expect(view.values.syncIntervalMinutes).toBe(60);
      expect(view.values.role).toBe('agent');
      expect(view.ignored.map((p) => p.key)).toEqual(['syncIntervalMinutes']);
    });
  });

  it('analyticsFormat: xapi by default; json or xapi from policy, anything else ignored', () => {
    expect(DEFAULT_SETTINGS.analyticsFormat).toBe('xapi');
    expect(policyValues({ analyticsFormat: 'json' }).values).toEqual({ analyticsFormat: 'json' });
    expect(policyValues({ analyticsFormat: 'soap' })).toEqual({
      values: {},
      ignored: [{ key: 'analyticsFormat', reason: expect.stringMatching(/^analyticsFormat/) }],
    });
  });

  it('hubUrl: an http(s) address or empty; hubToken: up to 200 characters', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ hubUrl: '', hubToken: '' });
    const ok = { hubUrl: 'https://hub.example.com', hubToken: 'dev-0123' };
    expect(policyValues(ok).values).toEqual(ok);
    expect(policyValues({ hubUrl: 'http://127.0.0.1:8080/' }).values).toEqual({
      hubUrl: 'http://127.0.0.1:8080/',
    });
    for (const hubUrl of ['javascript:alert(1)', 'ftp://hub.example.com', 'hub.example.com']) {
      expect(policyValues({ hubUrl }).ignored, hubUrl).toEqual([
        { key: 'hubUrl', reason: expect.stringMatching(/^hubUrl/) },
      ]);
    }
    expect(policyValues({ hubToken: 'x'.repeat(201) }).ignored).toHaveLength(1);
  });

  it('policyValues keeps valid values', () => {
    expect(policyValues({ trustedKeys: [KEY_A, 'short'] })).toEqual({
      values: { trustedKeys: [KEY_A] },
      ignored: [{ key: 'trustedKeys', reason: expect.stringMatching(/^trustedKeys\[1\]: /) }],
    });
  });
});

describe('setLocalSetting', () => {
  it('stores a valid value', async () => {
    const db = freshDb();
    expect(await setLocalSetting('team', 'billing', { db, managed: null })).toBe('billing');
    expect((await resolveSettings({ db, managed: null })).values.team).toBe('billing');
  });

  it('refuses keys set by policy, and values that do not fit', async () => {
    const db = freshDb();
    const managed = policyArea({ role: 'agent' });
    await expect(setLocalSetting('role', 'admin', { db, managed })).rejects.toThrow(
      new SettingRefused('role is set by your organisation and cannot be changed here'),
    );
    await expect(setLocalSetting('syncIntervalMinutes', 0, { db, managed })).rejects.toThrow(
      /^syncIntervalMinutes: /,
    );
    await expect(
      setLocalSetting('packSources', [{ url: 'nope' }], { db, managed }),
    ).rejects.toThrow(/^packSources\[0\]\.url: /);
    // Nothing but the copy of the policy read (see "when managed storage is slow").
    expect(await db.settings.toCollection().primaryKeys()).toEqual(['policy']);
  });

  it('accepts a key whose policy value was ignored', async () => {
    const db = freshDb();
    const managed = policyArea({ role: 42 });
    expect(await setLocalSetting('role', 'agent', { db, managed })).toBe('agent');
  });
});

describe('settings messages', () => {
  const EXT = 'inflow-test-id';
  const page: Sender = { id: EXT, url: `chrome-extension://${EXT}/options.html` };
  const URL_ = 'https://crm.localhost/contacts/new';
  const content: Sender = { id: EXT, url: URL_, tab: { id: 1, url: URL_ } };

  function deps(managed: ManagedArea | null, extra: Partial<RouterDeps> = {}): RouterDeps {
    return {
      db: freshDb(),
      runtime: { id: EXT, getURL: (path) => `chrome-extension://${EXT}${path}` },
      tabs: { query: async () => [], sendMessage: async () => ({}) },
      managed,
      ...extra,
    };
  }

  it('settings.get and settings.set from the options page; managed keys refused', async () => {
    const settingsChanged = vi.fn();
    const d = deps(policyArea({ role: 'agent' }), { settingsChanged });
    expect(await handleMessage({ type: 'settings.get' }, page, d)).toMatchObject({
      values: { role: 'agent' },
      managed: ['role'],
    });
    expect(await handleMessage({ type: 'settings.set', key: 'role', value: 'x' }, page, d)).toEqual(
      {
        error: 'settings.set: role is set by your organisation and cannot be changed here',
      },
    );
    expect(settingsChanged).not.toHaveBeenCalled();
    expect(
      await handleMessage({ type: 'settings.set', key: 'team', value: 'billing' }, page, d),
    ).toMatchObject({ values: { role: 'agent', team: 'billing' } });
    expect(settingsChanged).toHaveBeenCalledWith(['team']);
    expect(await handleMessage({ type: 'settings.set', key: 'nope', value: 1 }, page, d)).toEqual({
      error: expect.stringMatching(/^invalid message: key: /),
    });
  });

  it('only extension pages may send them', async () => {
    const d = deps(null);
    for (const message of [
      { type: 'settings.get' },
      { type: 'settings.set', key: 'team', value: 'x' },
      { type: 'sync.now' },
      { type: 'sync.status' },
    ]) {
      expect(await handleMessage(message, content, d)).toEqual({
        error: expect.stringContaining('refused, only an extension page'),
      });
    }
    expect(await d.db.settings.count()).toBe(0);
  });

  it('page lookups use the audience from policy', async () => {
    const d = deps(policyArea({ role: 'sales' }));
    await installPack(
      d.db,
      pack('crm', '1.0.0', [
        checklist('everyone', ['https://crm.localhost/*']),
        checklist('sales', ['https://crm.localhost/*'], { audience: { roles: ['sales'] } }),
        checklist('support', ['https://crm.localhost/*'], { audience: { roles: ['support'] } }),
      ]),
    );
    await d.db.settings.put({ key: 'role', value: 'support' });
    const answer = (await handleMessage({ type: 'page.lookup', url: URL_ }, content, d)) as {
      aids: { key: string }[];
    };
    expect(answer.aids.map((a) => a.key)).toEqual(['crm/everyone', 'crm/sales']);
  });
});
