/**
 * "Pick on page" and "Check on page" from the editor: the picker script is injected into
 * the app's tab on demand (it is not part of the always-loaded overlay), and its answer is
 * validated before the editor uses it.
 */
import { browser } from 'wxt/browser';
import { z } from 'zod';
import { describeResolution } from '../../aids/explain-target';
import { type Target, Target as TargetSchema } from '../../aids/schema';

/** What the picker captured: the multi-signal target and what it saw, for the author. */
export interface PickResult {
  target: Target;
  /** What the element is, as a screen reader would say it, for the author to confirm. */
  description: { tag: string; role?: string; name?: string; label?: string };
  /** The page's URL without query and hash. */
  url: string;
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
  })
  .strict();

const Signal = z.enum(['css', 'attrs', 'label', 'role', 'name', 'text', 'within']);

const Checked = z
  .object({
    found: z.boolean(),
    foundBy: Signal.nullable(),
    failed: z.array(Signal).max(7),
    ambiguous: z.boolean(),
    description: Description.optional(),
  })
  .strict();

/** Schemes and stores no extension may script, in the words the author sees. */
function closedReason(url: string | undefined): string | null {
  if (!url) return 'This tab has no page to pick from.';
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

/** Injects the picker (once per page: a second injection reuses it) and runs `call`. */
async function inPage<A extends unknown[]>(
  tabId: number,
  func: (...args: A) => unknown,
  args: A,
): Promise<unknown> {
  try {
    await browser.scripting.executeScript({ target: { tabId }, files: ['/picker.js'] });
    const [frame] = await browser.scripting.executeScript({
      target: { tabId },
      func,
      args,
    } as Parameters<typeof browser.scripting.executeScript>[0]);
    return frame?.result;
  } catch (e) {
    throw inWords(e);
  }
}

/**
 * Brings tab `tabId` to the front, lets the author pick an element, and comes back to the
 * calling tab. Resolves to null when the author pressed Escape.
 */
export async function pickOnPage(tabId: number): Promise<PickResult | null> {
  const back = await visit(tabId);
  try {
    // Self-contained: it runs in the page's isolated world, where picker.js left the global.
    const raw = await inPage(tabId, () => globalThis.__inflowPicker?.pick() ?? null, []);
    if (raw === null || raw === undefined) return null;
    const parsed = Picked.safeParse(raw);
    if (!parsed.success) throw new Error('The page answered with something that is not a target.');
    const { target, description, url } = parsed.data;
    return { target, description, url: withoutQuery(url) };
  } finally {
    await back();
  }
}

/** Resolves `target` in tab `tabId`, highlights what it found, and says how it found it. */
export async function checkOnPage(tabId: number, target: Target): Promise<TargetCheck> {
  const valid = TargetSchema.parse(target);
  const back = await visit(tabId);
  try {
    const raw = await inPage(tabId, (t: Target) => globalThis.__inflowPicker?.check(t) ?? null, [
      valid,
    ]);
    const parsed = Checked.safeParse(raw);
    if (!parsed.success) throw new Error('The page did not answer the check.');
    const { found, foundBy, failed, ambiguous, description } = parsed.data;
    return {
      found,
      ...(foundBy ? { foundBy } : {}),
      failed,
      ambiguous,
      sentence: describeResolution(valid, { found, foundBy, failed, ambiguous }),
      ...(description ? { description } : {}),
    };
  } finally {
    await back();
  }
}
