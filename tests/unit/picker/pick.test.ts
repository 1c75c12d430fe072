import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { checkOnPage, pickOnPage } from '../../../src/options/authoring/pick';

const APP = 7;
const OPTIONS = 3;

type Injection = { target: { tabId: number }; files?: string[]; func?: unknown; args?: unknown[] };

/** The app tab, the options tab, and a page that answers the picker's calls with `answer`. */
function setUp(url: string, answer: () => unknown) {
  const calls: Injection[] = [];
  const activated: number[] = [];
  vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) =>
    id === APP ? ({ id: APP, windowId: 1, url } as never) : (undefined as never),
  );
  vi.spyOn(fakeBrowser.tabs, 'getCurrent').mockResolvedValue({ id: OPTIONS, windowId: 2 } as never);
  vi.spyOn(fakeBrowser.tabs, 'update').mockImplementation((async (id: number) => {
    activated.push(id);
    return {};
  }) as never);
  const focused = vi.spyOn(fakeBrowser.windows, 'update').mockResolvedValue({} as never);
  vi.spyOn(fakeBrowser.scripting, 'executeScript').mockImplementation((async (
    injection: Injection,
  ) => {
    calls.push(injection);
    return injection.files
      ? [{ frameId: 0, result: undefined }]
      : [{ frameId: 0, result: answer() }];
  }) as never);
  return { calls, activated, focused };
}

const picked = {
  target: {
    css: '#account-number',
    role: 'textbox',
    label: 'Account number',
    attrs: { name: 'account_number' },
  },
  description: { tag: 'input', role: 'textbox', name: 'Account number', label: 'Account number' },
  url: 'http://portal.localhost:8080/support/new?ref=SR-123456#form',
};

describe('pickOnPage', () => {
  beforeEach(() => vi.restoreAllMocks());

  it('injects the picker into the app tab, validates the answer and comes back', async () => {
    const { calls, activated, focused } = setUp(
      'http://portal.localhost:8080/support/new',
      () => picked,
    );
    const result = await pickOnPage(APP);
    expect(result).toEqual({ ...picked, url: 'http://portal.localhost:8080/support/new' });
    expect(calls[0]).toEqual({ target: { tabId: APP }, files: ['/picker.js'] });
    expect(calls[1]!.target).toEqual({ tabId: APP });
    expect(typeof calls[1]!.func).toBe('function');
    expect(activated).toEqual([APP, OPTIONS]);
    expect(focused).toHaveBeenNthCalledWith(1, 1, { focused: true });
    expect(focused).toHaveBeenNthCalledWith(2, 2, { focused: true });
  });

  it('resolves to null when the author pressed Escape', async () => {
    const { activated } = setUp('https://crm.example.com/', () => null);
    expect(await pickOnPage(APP)).toBeNull();
    expect(activated).toEqual([APP, OPTIONS]);
  });

  it('refuses an answer that is not a target', async () => {
    setUp('https://crm.example.com/', () => ({ ...picked, target: {} }));
    await expect(pickOnPage(APP)).rejects.toThrow('not a target');
    setUp('https://crm.example.com/', () => ({ ...picked, extra: 'x' }));
    await expect(pickOnPage(APP)).rejects.toThrow('not a target');
    setUp('https://crm.example.com/', () => ({ ...picked, description: { tag: '<img onerror>' } }));
    await expect(pickOnPage(APP)).rejects.toThrow('not a target');
  });

  it('says in words why a page cannot be picked from', async () => {
    const { calls } = setUp('chrome://settings/', () => picked);
    await expect(pickOnPage(APP)).rejects.toThrow(
      'This page cannot be picked from: chrome:// pages are closed to extensions.',
    );
    expect(calls).toEqual([]);
    setUp('https://chromewebstore.google.com/detail/x', () => picked);
    await expect(pickOnPage(APP)).rejects.toThrow('extension stores are closed to extensions');
    await expect(pickOnPage(99)).rejects.toThrow('The tab was closed.');
  });

  it('says in words when the browser refuses to run the picker', async () => {
    const { activated } = setUp('https://crm.example.com/', () => picked);
    vi.mocked(fakeBrowser.scripting.executeScript).mockRejectedValue(
      new Error(
        'Cannot access contents of url "https://crm.example.com/". Extension manifest must request permission to access this host.',
      ),
    );
    await expect(pickOnPage(APP)).rejects.toThrow('Inflow is not allowed on this site');
    expect(activated).toEqual([APP, OPTIONS]);
    vi.mocked(fakeBrowser.scripting.executeScript).mockRejectedValue(
      new Error('Cannot access contents of url "file:///forms/claim.html".'),
    );
    await expect(pickOnPage(APP)).rejects.toThrow('allow Inflow access to file URLs');
    vi.mocked(fakeBrowser.scripting.executeScript).mockRejectedValue(
      new Error('Frame with ID 0 was removed.'),
    );
    await expect(pickOnPage(APP)).rejects.toThrow(
      'The page was closed or left before it answered.',
    );
  });
});

describe('checkOnPage', () => {
  beforeEach(() => vi.restoreAllMocks());

  it('passes the target, validates the answer and says how the target was found', async () => {
    const target = { css: '#old', label: 'Account number' };
    const { calls } = setUp('https://portal.example.com/support/new', () => ({
      found: true,
      foundBy: 'label',
      failed: ['css'],
      ambiguous: false,
      description: { tag: 'input', role: 'textbox', label: 'Account number' },
    }));
    expect(await checkOnPage(APP, target)).toEqual({
      found: true,
      foundBy: 'label',
      failed: ['css'],
      ambiguous: false,
      sentence: 'Found by label “Account number”; the CSS selector no longer matches.',
      description: { tag: 'input', role: 'textbox', label: 'Account number' },
    });
    expect(calls[1]!.args).toEqual([target]);
  });

  it('reports a target that is not found, and refuses malformed answers', async () => {
    setUp('https://portal.example.com/', () => ({
      found: false,
      foundBy: null,
      failed: ['css'],
      ambiguous: false,
    }));
    const r = await checkOnPage(APP, { css: '#gone' });
    expect(r.sentence).toBe('Not found: the CSS selector matches nothing on this page.');
    expect(r.foundBy).toBeUndefined();
    setUp('https://portal.example.com/', () => ({ found: 'yes' }));
    await expect(checkOnPage(APP, { css: '#gone' })).rejects.toThrow('did not answer');
    await expect(checkOnPage(APP, {} as never)).rejects.toThrow();
  });
});
