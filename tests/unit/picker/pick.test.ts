import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { checkOnPage, describeDifference, pickOnPage } from '../../../src/options/authoring/pick';
import type { PickerApi } from '../../../src/picker/api';

const APP = 7;
const OPTIONS = 3;

type Injection = {
  target: { tabId: number; allFrames?: boolean; frameIds?: number[] };
  files?: string[];
  func?: (...args: unknown[]) => unknown;
  args?: unknown[];
};

/** A frame's picker as the page would answer; missing functions are never expected. */
type FakePicker = Partial<PickerApi>;

/**
 * The app tab, the options tab, and a page whose frames (0 is the top) answer the picker's
 * calls: each injected function runs against that frame's fake picker, as it would run
 * against the global picker.js leaves in the frame.
 */
function setUp(url: string, frames: Record<number, FakePicker> | (() => unknown)) {
  const pages: Record<number, FakePicker> =
    typeof frames === 'function'
      ? { 0: { pick: async () => frames() as never, check: async () => frames() as never } }
      : frames;
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
    const ids = injection.target.allFrames
      ? Object.keys(pages).map(Number)
      : (injection.target.frameIds ?? [0]);
    if (injection.files) return ids.map((frameId) => ({ frameId, result: undefined }));
    const results = [];
    for (const frameId of ids) {
      globalThis.__inflowPicker = pages[frameId] as PickerApi;
      const result = injection.func!(...(injection.args ?? []));
      globalThis.__inflowPicker = undefined;
      results.push({ frameId, result: await result });
    }
    return results;
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

  it('injects the picker into every frame, validates the answer and comes back', async () => {
    const { calls, activated, focused } = setUp(
      'http://portal.localhost:8080/support/new',
      () => picked,
    );
    const result = await pickOnPage(APP);
    expect(result).toEqual({ ...picked, url: 'http://portal.localhost:8080/support/new' });
    expect(calls[0]).toEqual({ target: { tabId: APP, allFrames: true }, files: ['/picker.js'] });
    expect(calls[1]!.target).toEqual({ tabId: APP, frameIds: [0] });
    expect(calls[1]!.args).toEqual([{ banner: true, frames: [0] }]);
    expect(activated).toEqual([APP, OPTIONS]);
    expect(focused).toHaveBeenNthCalledWith(1, 1, { focused: true });
    expect(focused).toHaveBeenNthCalledWith(2, 2, { focused: true });
  });

  it('resolves to null when the author pressed Escape', async () => {
    const { activated } = setUp('https://crm.example.com/', () => ({ ended: 'escape' }));
    expect(await pickOnPage(APP)).toBeNull();
    expect(activated).toEqual([APP, OPTIONS]);
  });

  it('races the frames: the first capture wins, the others are cancelled', async () => {
    const cancelled: number[] = [];
    const waiting = (id: number): FakePicker => {
      let end: (v: never) => void = () => {};
      return {
        pick: () => new Promise((r) => (end = r)),
        cancel: () => {
          cancelled.push(id);
          end({ ended: 'cancelled' } as never);
        },
      };
    };
    const framed = {
      ...picked,
      target: { label: 'House number', frame: { url: 'http://portal.localhost:8080/lookup' } },
      url: 'http://portal.localhost:8080/lookup?postcode=NW1',
    };
    const { calls } = setUp('http://portal.localhost:8080/support/new?x=1', {
      0: waiting(0),
      4: { pick: async () => framed as never, cancel: () => cancelled.push(4) },
      9: waiting(9),
    });
    const result = await pickOnPage(APP);
    // The frame's target, and the address of the page the author works on: the tab's.
    expect(result).toEqual({ ...framed, url: 'http://portal.localhost:8080/support/new' });
    expect(cancelled.sort()).toEqual([0, 4, 9]);
    // Only the top frame shows the banner; each knows which frames the picker runs in.
    const picks = calls.filter((c) => c.target.frameIds?.length === 1 && c.args?.length);
    expect(picks.map((c) => c.args)).toEqual([
      [{ banner: true, frames: [0, 4, 9] }],
      [{ banner: false, frames: [0, 4, 9] }],
      [{ banner: false, frames: [0, 4, 9] }],
    ]);
  });

  it('ends when Escape is pressed in a frame, not when a frame goes away', async () => {
    let endTop: (v: never) => void = () => {};
    const top: FakePicker = {
      pick: () => new Promise((r) => (endTop = r)),
      cancel: () => endTop({ ended: 'cancelled' } as never),
    };
    let pressEscape: (v: never) => void = () => {};
    const pending = setUp('https://crm.example.com/', {
      0: top,
      2: { pick: async () => ({ ended: 'left' }) as never, cancel: () => {} },
      3: { pick: () => new Promise((r) => (pressEscape = r)), cancel: () => {} },
    });
    const picking = pickOnPage(APP);
    await new Promise((r) => setTimeout(r, 10));
    let settled = false;
    void picking.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    pressEscape({ ended: 'escape' } as never);
    expect(await picking).toBeNull();
    expect(pending.calls.at(-1)?.target).toEqual({ tabId: APP, frameIds: [0, 2, 3] });
  });

  it('passes on why no stable description finds only the element', async () => {
    const problem =
      'No stable description finds only this element: it has no label, name or stable attribute.';
    setUp('https://crm.example.com/', () => ({ ...picked, problem }));
    expect((await pickOnPage(APP))?.problem).toBe(problem);
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
    expect(calls[1]!.target).toEqual({ tabId: APP, frameIds: [0] });
    expect(calls[1]!.args).toEqual([target, null]);
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

  it('checks a framed target in the frame it names, and says when that frame is not there', async () => {
    const target = { label: 'House number', frame: { css: 'iframe[title="Lookup"]' } };
    const checked: number[] = [];
    const answer = (id: number): FakePicker => ({
      isFrame: (f) => id === 5 && f.css === 'iframe[title="Lookup"]',
      check: async () => {
        checked.push(id);
        return { found: true, foundBy: 'label', failed: [], ambiguous: false };
      },
    });
    setUp('https://crm.example.com/', { 0: answer(0), 5: answer(5) });
    expect((await checkOnPage(APP, target)).found).toBe(true);
    expect(checked).toEqual([5]);
    setUp('https://crm.example.com/', { 0: answer(0) });
    const missing = await checkOnPage(APP, target);
    expect(missing.found).toBe(false);
    expect(missing.sentence).toBe(
      'Not found: the frame whose <iframe> is iframe[title="Lookup"] is not on this page, or ' +
        'Inflow cannot read it. Open the page that shows it, or correct the frame.',
    );
  });

  it('says when the rule can never hold, and when it finds another element than picked', async () => {
    let asked: unknown;
    setUp('https://crm.example.com/', {
      0: {
        check: async (_t, rule) => {
          asked = rule;
          return {
            found: true,
            foundBy: 'css',
            failed: [],
            ambiguous: false,
            description: { tag: 'input', role: 'textbox', name: 'City', label: 'City' },
            ruleProblem: 'no_value',
          };
        },
      },
    });
    const target = { css: 'x-input' };
    const r = await checkOnPage(APP, target, {
      rule: { type: 'filled', target: {} as never },
      picked: { tag: 'input', role: 'textbox', name: 'Postcode', label: 'Postcode' },
    });
    expect(asked).toEqual({ type: 'filled', target });
    expect(r.warnings).toEqual([
      'It finds textbox “City”, not the textbox “Postcode” you picked: the signals now ' +
        'describe another element. Pick it again, or correct the signals.',
      '“Filled” can never hold here: the element has no value a person can type or choose ' +
        'that Inflow can read. Point the rule at the field itself (for a web component, the ' +
        'field inside it).',
    ]);
  });
});

describe('describeDifference', () => {
  const postcode = { tag: 'input', role: 'textbox', name: 'Postcode', label: 'Postcode' };
  it('is quiet when the element found is the one picked, or nothing can be compared', () => {
    expect(describeDifference(postcode, { ...postcode, name: 'postcode' })).toBeNull();
    expect(describeDifference(undefined, postcode)).toBeNull();
    expect(describeDifference(postcode, { tag: 'input', role: 'textbox' })).toBeNull();
  });
  it('speaks up for another tag, role, name or label', () => {
    expect(describeDifference(postcode, { tag: 'select', role: 'combobox' })).toMatch(
      /^It finds combobox, not the textbox “Postcode” you picked/,
    );
    expect(describeDifference(postcode, { ...postcode, label: 'City' })).toMatch(
      /finds textbox “Postcode”, not/,
    );
  });
});
