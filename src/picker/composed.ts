/**
 * The page as a person sees it: the document and every shadow root in it, open or closed.
 * Events and `elementFromPoint` stop at the host of a closed shadow root; the picker reads
 * closed roots the way only an extension can (`chrome.dom.openOrClosedShadowRoot` in
 * Chromium, `element.openOrClosedShadowRoot()` in Firefox) and goes down to the innermost
 * element.
 */

type ClosedRootReader = (el: HTMLElement) => ShadowRoot | null | undefined;

function chromeReader(): ClosedRootReader | undefined {
  const dom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot?: ClosedRootReader } } })
    .chrome?.dom;
  return typeof dom?.openOrClosedShadowRoot === 'function'
    ? (el) => dom.openOrClosedShadowRoot!(el)
    : undefined;
}

/** The shadow root of `el`, open or closed, when this context may read it. */
export function shadowRootOf(el: Element): ShadowRoot | null {
  if (el.shadowRoot) return el.shadowRoot;
  // Only elements that can host a shadow root (custom elements and a few HTML ones).
  if (!(el instanceof HTMLElement)) return null;
  try {
    const firefox = (el as { openOrClosedShadowRoot?: () => ShadowRoot | null })
      .openOrClosedShadowRoot;
    if (typeof firefox === 'function') return firefox.call(el) ?? null;
    return chromeReader()?.(el) ?? null;
  } catch {
    // The reader refuses some elements (not an HTMLElement of this world): no root to read.
    return null;
  }
}

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

/** Every shadow root below `root`, open or closed, nested ones included, in document order. */
export function shadowRootsIn(root: Document | ShadowRoot | Element): ShadowRoot[] {
  const out: ShadowRoot[] = [];
  const visit = (node: Document | ShadowRoot | Element) => {
    for (const el of Array.from(node.querySelectorAll('*'))) {
      const inner = shadowRootOf(el);
      if (inner) {
        out.push(inner);
        visit(inner);
      }
    }
  };
  visit(root);
  return out;
}

/** Every element matching `selector` in the composed tree: the document and all its roots. */
export function composedQueryAll(doc: Document | ShadowRoot, selector: string): Element[] {
  const out: Element[] = [];
  try {
    for (const root of [doc, ...shadowRootsIn(doc)]) {
      out.push(...Array.from(root.querySelectorAll(selector)));
    }
  } catch {
    return [];
  }
  return out;
}

/** The shadow hosts around `el`, the nearest first. */
export function hostsOf(el: Element): Element[] {
  const hosts: Element[] = [];
  for (let root = el.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) {
    hosts.push(root.host);
  }
  return hosts;
}
