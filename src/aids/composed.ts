/**
 * The composed tree: the document plus every shadow root below it, open or closed, nested any
 * depth. Web components keep their fields in shadow roots, where `querySelectorAll` on the
 * document does not reach, so target resolution and value reading search each root too.
 *
 * Runs in the page; reads the DOM only.
 */

/** Reads an element's shadow root, closed ones included where the browser lets us. */
export type ShadowRootReader = (el: Element) => ShadowRoot | null;

type ClosedRootApi = { dom?: { openOrClosedShadowRoot?: (el: Element) => ShadowRoot | null } };

const chromeDom = (globalThis as { chrome?: ClosedRootApi }).chrome?.dom;

/**
 * The best reader this context has: Chromium content scripts get closed roots through
 * `chrome.dom.openOrClosedShadowRoot`, Firefox content scripts through
 * `element.openOrClosedShadowRoot()`; plain pages and unit tests see open roots only.
 * Feature-detected, so nothing here needs the extension API to exist.
 */
export const shadowRootOf: ShadowRootReader = (el) => {
  try {
    return (
      chromeDom?.openOrClosedShadowRoot?.(el) ??
      (el as { openOrClosedShadowRoot?: () => ShadowRoot | null }).openOrClosedShadowRoot?.() ??
      el.shadowRoot
    );
  } catch {
    // chrome.dom refuses elements that are not HTML elements (SVG's hyphenated names).
    return null;
  }
};

/** Options every composed-tree function takes. */
export interface ComposedOptions {
  /** Reads an element's shadow root (default: {@link shadowRootOf}). */
  shadowRootOf?: ShadowRootReader;
  /**
   * The shadow roots known on the page, when the caller keeps that list up to date (the page
   * session does): spares a walk over every element on each lookup.
   */
  roots?: readonly ShadowRoot[];
}

/**
 * Elements that can have a shadow root: custom elements and the few built-ins
 * `attachShadow` accepts. Asking only these spares a reader call on every other element.
 */
const SHADOW_CAPABLE =
  /-|^(article|aside|blockquote|body|div|footer|h[1-6]|header|main|nav|p|section|span)$/;

/** True if `el` may host a shadow root. */
export const canHostShadow = (el: Element) => SHADOW_CAPABLE.test(el.localName);

/** The text of the elements an `aria-labelledby` names, looked up in the element's own root. */
export function labelledByText(el: Element): string | null {
  const ids = el.getAttribute('aria-labelledby');
  const root = el.getRootNode() as Document | ShadowRoot;
  if (!ids || !root.getElementById) return null;
  const parts = ids
    .split(/\s+/)
    .map((id) => id && root.getElementById(id)?.textContent)
    .filter((t) => typeof t === 'string');
  return parts.length ? parts.join(' ') : null;
}

/**
 * False for a custom element whose definition has not run yet (it gets its shadow root and
 * properties on upgrade). Content scripts in Chromium have no `customElements` registry, so
 * the `:defined` pseudo-class answers there.
 */
export function isDefined(el: Element): boolean {
  if (!el.localName.includes('-')) return true;
  const registry = (globalThis as { customElements?: CustomElementRegistry | null }).customElements;
  if (registry) return registry.get(el.localName) !== undefined;
  try {
    return el.matches(':defined');
  } catch {
    return true;
  }
}

/** How {@link findShadowRoots} walks. */
export interface WalkOptions {
  /** Elements whose subtree (shadow root included) is left out: our own UI. */
  skip?: (el: Element) => boolean;
  /** Collects custom elements not defined yet: they get their shadow root on upgrade. */
  undefinedHosts?: Element[];
}

/**
 * Every shadow root below `scope` (and the scope's own, when it is a host), outermost first,
 * by walking its elements once. Costs one pass over the subtree: callers that look up often
 * keep the result and pass it as `roots`.
 */
export function findShadowRoots(
  scope: Node,
  read: ShadowRootReader = shadowRootOf,
  opts: WalkOptions = {},
): ShadowRoot[] {
  const out: ShadowRoot[] = [];
  const { skip, undefinedHosts } = opts;
  const filter = skip && {
    acceptNode: (n: Node) => (skip(n as Element) ? 2 /* REJECT */ : 1) /* ACCEPT */,
  };
  /** Looks at one element below or at `top`; false when `top` itself is left out. */
  const look = (el: Element, top: Node): boolean => {
    if (!canHostShadow(el)) return true;
    if (el === top && skip?.(el)) return false;
    const root = read(el);
    if (root) {
      out.push(root);
      visit(root);
    } else if (undefinedHosts && !isDefined(el)) {
      undefinedHosts.push(el);
    }
    return true;
  };
  const visit = (node: Node) => {
    // An element without children (most nodes a page adds): no walker to make.
    if (node.nodeType === 1 && !(node as Element).firstElementChild) {
      look(node as Element, node);
      return;
    }
    const doc = node.ownerDocument ?? (node as Document);
    const walker = doc.createTreeWalker(node, 1 /* NodeFilter.SHOW_ELEMENT */, filter);
    for (let n = walker.currentNode as Node | null; n; n = walker.nextNode()) {
      if (n.nodeType === 1 && !look(n as Element, node)) return;
    }
  };
  visit(scope);
  return out;
}

/** True if `inner` is `outer` or lies below it in the composed tree (a root's parent is its host). */
export function composedContains(outer: Node, inner: Node): boolean {
  for (let n: Node | null = inner; n; n = n.parentNode ?? (n as ShadowRoot).host ?? null) {
    if (n === outer) return true;
  }
  return false;
}

/** The shadow roots `node` lives in, outermost first (empty in the light DOM). */
export function rootsAbove(node: Node): ShadowRoot[] {
  const out: ShadowRoot[] = [];
  for (let root = node.getRootNode(); root instanceof ShadowRoot; ) {
    out.unshift(root);
    root = root.host.getRootNode();
  }
  return out;
}

/**
 * The places to search below `scope`: the scope itself and the shadow roots under it. Uses
 * the known `roots` when given (keeping those that lie under the scope), else walks the scope.
 */
export function composedScopes(
  scope: Document | ShadowRoot | Element,
  opts: ComposedOptions = {},
): (Document | ShadowRoot | Element)[] {
  const read = opts.shadowRootOf ?? shadowRootOf;
  if (!opts.roots) return [scope, ...findShadowRoots(scope, read)];
  const out: (Document | ShadowRoot | Element)[] = [scope];
  for (const root of opts.roots) {
    // Every connected root lies in the document: no climb for the usual whole-page lookup.
    const inside = scope.nodeType === 9 || composedContains(scope, root.host);
    if (root.host.isConnected && inside) out.push(root);
  }
  // A host scope keeps its own root: `composedContains` counts the host itself.
  return out;
}

/** `querySelectorAll` in each scope, with an invalid selector matching nothing. */
export function queryComposed(scopes: readonly ParentNode[], selector: string): Element[] {
  const out: Element[] = [];
  for (const scope of scopes) {
    try {
      for (const el of scope.querySelectorAll(selector)) out.push(el);
    } catch {
      return [];
    }
  }
  return out;
}

/** Native fields a component may wrap, in the order a person meets them. */
const NATIVE_FIELD = 'input:not([type=hidden]),select,textarea';

/**
 * The native field a custom element wraps in its own shadow root (or one nested in it): the
 * `<input>` inside `<sl-input>`. Null for other elements, and for hosts with no field.
 */
export function innerField(
  host: Element,
  read: ShadowRootReader = shadowRootOf,
  depth = 0,
): Element | null {
  if (depth > 3 || !host.localName.includes('-')) return null;
  const root = read(host);
  if (!root) return null;
  const field = root.querySelector(NATIVE_FIELD);
  if (field) return field;
  for (const el of root.querySelectorAll('*')) {
    const inner = innerField(el, read, depth + 1);
    if (inner) return inner;
  }
  return null;
}
