/**
 * The `frame` signal of a target picked inside an iframe: which frame the element is in. A
 * frame with a page of its own is named by that page's address (a URL pattern without query
 * and hash, which vary per visit and can hold personal data); a frame written by its parent
 * (about:blank, srcdoc) has no address of its own, so it is named by a selector of its
 * <iframe> element in the parent, read through `window.frameElement` (same origin only).
 */
import type { FrameRef } from '../aids/schema';
import { testUrlPattern } from '../aids/url-match';
import { stableAttr, stableId } from './stable';

/** Characters with a meaning in URLPattern syntax, escaped to stand for themselves. */
const PATTERN_SPECIAL = /[:*(){}?+\\]/g;

/** `https://lookup.example.com/address.html` for a frame's page; undefined without one. */
export function pageUrlPattern(href: string): string | undefined {
  let u: URL;
  try {
    u = new URL(href);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  return `${u.origin}${u.pathname.replace(PATTERN_SPECIAL, '\\$&')}`;
}

const quoted = (value: string) => value.replace(/["\\]/g, '\\$&');

/**
 * A selector of the <iframe> element that finds it alone in its parent document: its title
 * (what a screen reader announces), name, id or test id; undefined when it has none.
 */
export function iframeSelector(iframe: Element): string | undefined {
  const tag = iframe.localName;
  const candidates: string[] = [];
  for (const name of ['title', 'name', 'data-testid', 'data-test', 'data-qa', 'aria-label']) {
    const value = iframe.getAttribute(name);
    const usable =
      name === 'title' || name === 'name'
        ? value !== null && value.trim().length > 0 && value.length <= 80
        : value !== null && stableAttr(name, value);
    if (usable) candidates.push(`${tag}[${name}="${quoted(value!)}"]`);
  }
  const id = iframe.getAttribute('id');
  if (id && stableId(id)) candidates.push(`${tag}#${CSS.escape(id)}`);
  const root = iframe.getRootNode() as Document | ShadowRoot;
  return candidates.find((sel) => {
    try {
      return root.querySelectorAll(sel).length === 1;
    } catch {
      return false;
    }
  });
}

/** The parent's <iframe> element for `win`, when the parent is of the same origin. */
function frameElementOf(win: Window): Element | null {
  try {
    return win.frameElement;
  } catch {
    return null;
  }
}

/**
 * The frame signal for the document of `win`; undefined in the top frame. Null when the
 * frame cannot be named: no address of its own and no stable selector in its parent.
 */
export function frameRefOf(win: Window): FrameRef | undefined | null {
  if (win === win.top) return undefined;
  const url = pageUrlPattern(win.location.href);
  const iframe = frameElementOf(win);
  const titled = iframe?.getAttribute('title')?.trim();
  // A frame with an address: that is enough; a title, readable from the same origin, adds a
  // second signal that survives a move of the frame's page.
  const css = iframe && (!url || titled) ? iframeSelector(iframe) : undefined;
  if (!url && !css) return null;
  return { ...(url ? { url } : {}), ...(css ? { css } : {}) };
}

/**
 * True when `win` is the frame `ref` names: its page matches the URL pattern, and its
 * <iframe> element matches the selector when the parent can be read. A selector alone needs
 * the parent: a cross-origin frame is never taken on a selector it cannot check.
 */
export function isFrame(ref: FrameRef, win: Window): boolean {
  if (win === win.top) return false;
  if (ref.url && !testUrlPattern(ref.url, win.location.href)) return false;
  if (ref.css) {
    const iframe = frameElementOf(win);
    if (!iframe) return Boolean(ref.url);
    try {
      if (!iframe.matches(ref.css)) return false;
    } catch {
      return false;
    }
  }
  return true;
}
