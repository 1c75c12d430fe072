/**
 * "Pick on page" and "Check on page" from the editor: the picker script is injected into
 * the app's tab on demand (it is not part of the always-loaded overlay), into every frame the
 * browser lets it into, and its answers are validated before the editor uses them.
 */
import { browser } from 'wxt/browser';
import { z } from 'zod';
import { describeResolution, describeRuleProblem } from '../../aids/explain-target';
import {
  type Completion,
  Completion as CompletionSchema,
  type FrameRef,
  type Target,
  Target as TargetSchema,
} from '../../aids/schema';

/** What the picker captured: the multi-signal target and what it saw, for the author. */
export interface PickResult {
  target: Target;
  /** What the element is, as a screen reader would say it, for the author to confirm. */
  description: { tag: string; role?: string; name?: string; label?: string };
  /** The address of the tab's page (the top one, for an element in a frame), without query and hash. */
  url: string;
  /** Why no stable description finds only this element, when none does. */
  problem?: string;
}

/** What Check on page can compare the element it finds with. */
export interface CheckOptions {
  /** The step's completion rule: can it ever hold on the element found? */
  rule?: Completion;
  /** What the author picked, when the editor still has it: is the element found another one? */
  picked?: PickResult['description'];
}

/** How a target resolves on a live page now. */
export interface TargetCheck {
  found: boolean;
  foundBy?: string;
  failed: string[];
  ambiguous: boolean;
  /** "Found by label “Email”; the CSS selector no longer matches." */
  sentence: string;
  /** What the element found is, when one was found. */
  description?: PickResult['description'];
  /** What will not work, in sentences: a rule that can never hold, another element than picked. */
  warnings?: string[];
}

// What comes back from the page crossed a context: it is checked here, field by field.

const Description = z
  .object({
    tag: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
    role: z.string().min(1).max(64).optional(),
    name: z.string().min(1).max(200).optional(),
    label: z.string().min(1).max(200).optional(),
  })
  .strict();

const Picked = z
  .object({
    target: TargetSchema,
    description: Description,
    url: z.string().max(8192),
    problem: z.string().min(1).max(500).optional(),
  })
  .strict();

const Ended = z.object({ ended: z.enum(['escape', 'left', 'cancelled']) }).strict();

const Signal = z.enum(['css', 'attrs', 'label', 'role', 'name', 'text', 'within']);

const Checked = z
  .object({
    found: z.boolean(),
    foundBy: Signal.nullable(),
    failed: z.array(Signal).max(7),
    ambiguous: z.boolean(),
    description: Description.optional(),
    ruleProblem: z.enum(['no_value', 'no_checked_state']).optional(),
  })
  .strict();

/** Schemes and stores no extension may script, in the words the author sees. */
function closedReason(url: string | undefined): string | null {
  // Without the `tabs` permission the browser hides the address of pages the extension may
  // not run on (its own pages, the new tab page, files without file access).
  if (!url) return 'This tab has no web page to pick from: browser pages are closed to extensions.';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'This tab has no page to pick from.';
  }
  const scheme = u.protocol.slice(0, -1);
  if (['chrome', 'edge', 'brave', 'opera', 'vivaldi', 'about', 'view-source'].includes(scheme)) {
    return `This page cannot be picked from: ${scheme}:// pages are closed to extensions.`;
  }
  if (scheme === 'chrome-extension' || scheme === 'moz-extension') {
    return 'This page cannot be picked from: it belongs to an extension.';
  }
  if (
    u.hostname === 'chromewebstore.google.com' ||
    (u.hostname === 'chrome.google.com' && u.pathname.startsWith('/webstore')) ||
    u.hostname === 'microsoftedge.microsoft.com' ||
    u.hostname === 'addons.mozilla.org'
  ) {
    return 'This page cannot be picked from: browser extension stores are closed to extensions.';
  }
  if (!['http', 'https', 'file'].includes(scheme)) {
    return `This page cannot be picked from: ${scheme}: pages are closed to extensions.`;
  }
  return null;
}

/** The browser's refusal, said for the author. */
function inWords(e: unknown): Error {
  const message = (e as Error)?.message ?? String(e);
  if (/No tab with id|tab was closed|Frame with ID \d+ was removed|frame.*removed/i.test(message)) {
    return new Error('The page was closed or left before it answered.');
  }
  if (/Cannot access a chrome:\/\/ URL|chrome:\/\//i.test(message)) {
    return new Error('This page cannot be picked from: chrome:// pages are closed to extensions.');
  }
  if (/gallery cannot be scripted|webstore/i.test(message)) {
    return new Error(
      'This page cannot be picked from: browser extension stores are closed to extensions.',
    );
  }
  if (/Cannot access contents of url "file:/i.test(message)) {
    return new Error(
      'This page cannot be picked from: allow Inflow access to file URLs in the browser’s ' +
        'extension settings.',
    );
  }
  if (/Cannot access contents of|Missing host permission|permission/i.test(message)) {
    return new Error(
      'This page cannot be picked from: Inflow is not allowed on this site. ' +
        'Check its site access in the browser’s extension settings.',
    );
  }
  if (/error page|showing error/i.test(message)) {
    return new Error('This page cannot be picked from: the tab shows an error page.');
  }
  return new Error(`The page could not be reached: ${message}`);
}

/** The address without query and hash: they can hold personal data and vary per visit. */
function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.replace(/[?#].*$/, '');
  }
}

/** Brings the app's tab and window to the front; returns how to come back. */
async function visit(tabId: number): Promise<() => Promise<void>> {
  const tab = await browser.tabs.get(tabId).catch((e) => {
    throw inWords(e);
  });
  if (!tab) throw new Error('The tab was closed.');
  const closed = closedReason(tab.url);
  if (closed) throw new Error(closed);
  const home = await browser.tabs.getCurrent().catch(() => undefined);
  await browser.tabs.update(tabId, { active: true });
  if (tab.windowId !== undefined) {
    await browser.windows.update(tab.windowId, { focused: true }).catch(() => {});
  }
  return async () => {
    if (home?.id === undefined || home.id === tabId) return;
    await browser.tabs.update(home.id, { active: true }).catch(() => {});
    if (home.windowId !== undefined) {
      await browser.windows.update(home.windowId, { focused: true }).catch(() => {});
    }
  };
}

type Injection = Parameters<typeof browser.scripting.executeScript>[0];

/**
 * Injects the picker into every frame of the tab the browser lets it into (a second injection
 * reuses it) and answers with their frame ids. Frames it may not script (another extension's,
 * data: pages) are left out by the browser.
 */
async function injectAll(tabId: number): Promise<number[]> {
  try {
    const results = await browser.scripting.executeScript({
      target: { tabId, allFrames: true },
      files: ['/picker.js'],
    });
    const ids = results.map((r) => r.frameId).filter((id): id is number => typeof id === 'number');
    return ids.includes(0) ? ids : [0, ...ids];
  } catch (e) {
    throw inWords(e);
  }
}

/** Runs `func` in one frame of the tab; the answer is the page's, still to be validated. */
async function inFrame<A extends unknown[]>(
  tabId: number,
  frameId: number,
  func: (...args: A) => unknown,
  args: A,
): Promise<unknown> {
  const [frame] = await browser.scripting.executeScript({
    target: { tabId, frameIds: [frameId] },
    func,
    args,
  } as Injection);
  return frame?.result;
}

/**
 * Runs pick() in every frame at once. The first frame that captures wins, and so does Escape
 * in any frame, or the top page going away; the other frames are then told to stop. A frame
 * that goes away on its own (it navigated) drops out of the race.
 */
function race(tabId: number, frames: number[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let pending = frames.length;
    let done = false;
    const settle = (value: unknown, error?: Error) => {
      if (done) return;
      done = true;
      if (error) reject(error);
      else resolve(value);
    };
    for (const id of frames) {
      const options = { banner: id === 0, frames };
      // Self-contained: it runs in the frame's isolated world, where picker.js left the global.
      inFrame(tabId, id, (o: typeof options) => globalThis.__inflowPicker?.pick(o) ?? null, [
        options,
      ])
        .then(
          (raw) => {
            const ended = raw === null || raw === undefined ? null : Ended.safeParse(raw);
            if (ended?.success === false) settle(raw);
            else if (id === 0 || ended?.data.ended === 'escape') settle(null);
          },
          (e) => {
            if (id === 0) settle(null, inWords(e));
          },
        )
        .finally(() => {
          if (--pending === 0) settle(null);
        });
    }
  });
}

/** Tells every frame's picker to stop: one of them already answered. */
async function cancelAll(tabId: number, frames: number[]): Promise<void> {
  await browser.scripting
    .executeScript({
      target: { tabId, frameIds: frames },
      func: () => globalThis.__inflowPicker?.cancel(),
    } as Injection)
    .catch(() => {});
}

/**
 * Brings tab `tabId` to the front, lets the author pick an element in the page or in any
 * frame of it the picker can run in, and comes back to the calling tab. Resolves to null when
 * the author pressed Escape.
 */
export async function pickOnPage(tabId: number): Promise<PickResult | null> {
  const back = await visit(tabId);
  try {
    const frames = await injectAll(tabId);
    const raw = await race(tabId, frames);
    await cancelAll(tabId, frames);
    if (raw === null) return null;
    const parsed = Picked.safeParse(raw);
    if (!parsed.success) throw new Error('The page answered with something that is not a target.');
    const { target, description, url, problem } = parsed.data;
    // The page the author works on is the tab's, also when the element is in a frame of it.
    const tab = await browser.tabs.get(tabId).catch(() => undefined);
    return {
      target,
      description,
      url: withoutQuery(tab?.url ?? url),
      ...(problem ? { problem } : {}),
    };
  } finally {
    await back();
  }
}

/** "the frame at https://lookup.example.com/find, <iframe> iframe[title="Lookup"]" */
function frameWords(frame: FrameRef): string {
  const parts = [
    frame.url ? `at ${frame.url}` : '',
    frame.css ? `whose <iframe> is ${frame.css}` : '',
  ].filter(Boolean);
  return `the frame ${parts.join(' and ')}`;
}

/** The frame of the tab that `frame` names, or undefined when none is on the page now. */
async function frameNamed(tabId: number, frame: FrameRef): Promise<number | undefined> {
  try {
    const answers = await browser.scripting.executeScript({
      target: { tabId, allFrames: true },
      func: (f: FrameRef) => globalThis.__inflowPicker?.isFrame(f) ?? false,
      args: [frame],
    } as Injection);
    return answers.find((a) => a.result === true && typeof a.frameId === 'number')?.frameId;
  } catch (e) {
    throw inWords(e);
  }
}

const differs = (a?: string, b?: string) =>
  a !== undefined && b !== undefined && a.toLowerCase() !== b.toLowerCase();

/** "textbox “City”" */
function named(d: PickResult['description']): string {
  const what = d.role ?? `<${d.tag}>`;
  const words = d.name ?? d.label;
  return words ? `${what} “${words}”` : what;
}

/**
 * When the element found is not the one picked (another tag or role, another name or label),
 * says so; null when they agree or there is nothing to compare.
 */
export function describeDifference(
  picked: PickResult['description'] | undefined,
  found: PickResult['description'] | undefined,
): string | null {
  if (!picked || !found) return null;
  const other =
    picked.tag !== found.tag ||
    differs(picked.role, found.role) ||
    differs(picked.name, found.name) ||
    differs(picked.label, found.label);
  if (!other) return null;
  return (
    `It finds ${named(found)}, not the ${named(picked)} you picked: the signals now describe ` +
    'another element. Pick it again, or correct the signals.'
  );
}

/**
 * Resolves `target` in tab `tabId` (in the frame its `frame` signal names), highlights what it
 * found, and says how it found it; with `options`, also whether the step's rule can hold on
 * that element and whether it is the element the author picked.
 */
export async function checkOnPage(
  tabId: number,
  target: Target,
  options: CheckOptions = {},
): Promise<TargetCheck> {
  const valid = TargetSchema.parse(target);
  // The rule as it applies to the target checked; a rule the draft does not yet complete
  // (no pattern yet) is left out.
  const asked = options.rule && CompletionSchema.safeParse({ ...options.rule, target: valid });
  const rule = asked?.success ? asked.data : undefined;
  const back = await visit(tabId);
  try {
    await injectAll(tabId);
    const frameId = valid.frame ? await frameNamed(tabId, valid.frame) : 0;
    if (frameId === undefined) {
      return {
        found: false,
        failed: [],
        ambiguous: false,
        sentence:
          `Not found: ${frameWords(valid.frame!)} is not on this page, or Inflow cannot read ` +
          'it. Open the page that shows it, or correct the frame.',
      };
    }
    const raw = await inFrame(
      tabId,
      frameId,
      (t: Target, rule: Completion | null) =>
        globalThis.__inflowPicker?.check(t, rule ?? undefined) ?? null,
      [valid, rule ?? null],
    ).catch((e) => {
      throw inWords(e);
    });
    const parsed = Checked.safeParse(raw);
    if (!parsed.success) throw new Error('The page did not answer the check.');
    const { found, foundBy, failed, ambiguous, description, ruleProblem } = parsed.data;
    const warnings = [
      describeDifference(options.picked, description),
      ruleProblem && rule ? describeRuleProblem(ruleProblem, rule.type) : null,
    ].filter((w): w is string => w !== null);
    return {
      found,
      ...(foundBy ? { foundBy } : {}),
      failed,
      ambiguous,
      sentence: describeResolution(valid, { found, foundBy, failed, ambiguous }),
      ...(description ? { description } : {}),
      ...(warnings.length ? { warnings } : {}),
    };
  } finally {
    await back();
  }
}
