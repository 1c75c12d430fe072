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

/** Roles of controls a person operates: what they mean when they click a part of one. */
const CONTROL_ROLES = new Set([
  'button',
  'checkbox',
  'switch',
  'radio',
  'combobox',
  'textbox',
  'searchbox',
  'link',
  'option',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'tab',
  'slider',
  'spinbutton',
  'listbox',
  'treeitem',
]);

const NATIVE_CONTROLS = 'input:not([type=hidden]),select,textarea,button,a[href],summary';

/** Drawing parts of a widget: no role, no focus, nothing a person names. */
const PARTS = 'span,div,i,b,em,strong,small,img,svg,svg *';

function isControl(el: Element): boolean {
  if (el.matches(NATIVE_CONTROLS)) return true;
  const role = el.getAttribute('role')?.trim().split(/\s+/)[0];
  if (role && CONTROL_ROLES.has(role)) return true;
  return el.localName.includes('-') && innerField(el) !== null;
}

const isPart = (el: Element) =>
  el.matches(PARTS) && !el.hasAttribute('role') && !el.hasAttribute('tabindex');

/** The parent of `el` in the composed tree: its parent element, or its shadow root's host. */
function composedParent(el: Element): Element | null {
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}

/**
 * The control a person means when the pointer is on a drawing part of it: the thumb or track
 * of a switch, the icon in a button, the box of a styled checkbox. Goes up (through shadow
 * hosts) over such parts to the nearest control, or to the field a `<label>` on the way is
 * for; anything else on the way (a heading, a paragraph) ends the walk at `el` itself.
 */
export function controlOf(el: Element): Element {
  let current: Element | null = el;
  for (let depth = 0; current && depth < 8; depth++) {
    if (isControl(current)) return current;
    // A label reached from a part of it (a styled box drawn inside it) means its field.
    const control = depth > 0 && current instanceof HTMLLabelElement ? current.control : null;
    if (control) return control;
    if (!isPart(current)) return el;
    current = composedParent(current);
  }
  return el;
}
