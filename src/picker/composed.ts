/**
 * The page as a person sees it: the document and every shadow root in it, open or closed.
 * Events and `elementFromPoint` stop at the host of a closed shadow root; the picker reads
 * closed roots with the resolver's reader (src/aids/composed.ts) and goes down to the
 * innermost element.
 */

import { findShadowRoots, innerField, queryComposed, shadowRootOf } from '../aids/composed';

export { shadowRootOf };

/** The root `el` lives in: its document or the (open or closed) shadow root holding it. */
export function rootOf(el: Element): Document | ShadowRoot {
  const root = el.getRootNode();
  return root instanceof ShadowRoot ? root : el.ownerDocument;
}

/**
 * Goes down from `el` through shadow roots while `next` names an element inside the root:
 * from a closed root's host to the element the pointer or the focus is really on.
 */
function descend(el: Element, next: (root: ShadowRoot) => Element | null): Element {
  let current = el;
  for (let depth = 0; depth < 64; depth++) {
    const root = shadowRootOf(current);
    if (!root) break;
    const inner = next(root);
    // elementFromPoint answers with an element outside the root when the point is on the
    // host's own box or its light children: the host is then the innermost element.
    if (!inner || inner === current || inner.getRootNode() !== root) break;
    current = inner;
  }
  return current;
}

/** The innermost element at (x, y), inside open and closed shadow roots. */
export function elementAt(el: Element, x: number, y: number): Element {
  return descend(el, (root) => root.elementFromPoint(x, y));
}

/** The innermost focused element below `el` (a closed root's host keeps its focus inside). */
export function focusedIn(el: Element): Element {
  return descend(el, (root) => root.activeElement);
}

/** Every element matching `selector` in the composed tree: the document and all its roots. */
export function composedQueryAll(doc: Document | ShadowRoot, selector: string): Element[] {
  return queryComposed([doc, ...findShadowRoots(doc)], selector);
}

/**
 * True when `found` is `el`, or the web component that wraps `el` as its field (`<sl-input>`
 * for its inner `<input>`): to a person, and to resolveTarget, the two are one field.
 */
export function sameField(found: Element | null, el: Element): boolean {
  return found === el || (found !== null && innerField(found) === el);
}

/** The shadow hosts around `el`, the nearest first. */
export function hostsOf(el: Element): Element[] {
  const hosts: Element[] = [];
  for (let root = el.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) {
    hosts.push(root.host);
  }
  return hosts;
}
