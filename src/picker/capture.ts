/**
 * Turns the element an author picked into a multi-signal target: a CSS selector without
 * generated names, its role and accessible name, its label, its stable attributes, short
 * visible text, and the container it lives in (the shadow host, for an element inside an open
 * shadow root). Each signal is read the way resolveTarget compares it, so the target resolves
 * back to the same element.
 *
 * Never reads what a person typed: no `value`, no text of fields or editable regions.
 */
import { finder } from '@medv/finder';
import { computeAccessibleName, getRole } from 'dom-accessibility-api';
import type { Target } from '../aids/schema';
import { stableAttr, stableClass, stableId } from './stable';

/** What the element is, as a screen reader would say it, for the author to confirm. */
export interface TargetDescription {
  tag: string;
  role?: string;
  name?: string;
  label?: string;
}

export interface Capture {
  target: Target;
  description: TargetDescription;
}

/** Longest text, name or label kept: longer ones are content, not a landmark. */
const MAX_TEXT = 80;

const FIELDS = 'input,select,textarea';

/** Roles whose text is interface wording rather than data. */
const WORDING_ROLES = new Set([
  'button',
  'link',
  'tab',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'option',
  'heading',
  'columnheader',
  'rowheader',
  'switch',
  'treeitem',
]);

/** Roles that say nothing about the element. */
const EMPTY_ROLES = new Set(['generic', 'none', 'presentation', 'group', 'paragraph']);

const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/** The root an element lives in: the document, or the open shadow root that holds it. */
function rootOf(el: Element): Document | ShadowRoot {
  const root = el.getRootNode();
  return root instanceof ShadowRoot ? root : el.ownerDocument;
}

/** Elements whose `name` names a field; elsewhere (custom elements) it can be data. */
const NAMED_FIELDS = 'input,select,textarea,button,form,fieldset,output,iframe,object';

/** True when `value` is the name of a field in `root`, not, say, a customer's name. */
function isFieldName(root: Document | ShadowRoot, value: string): boolean {
  if (!stableAttr('name', value)) return false;
  return Array.from(root.querySelectorAll(NAMED_FIELDS)).some(
    (el) => el.getAttribute('name') === value,
  );
}

/**
 * True for the selector finder falls back to when its budget runs out: `html > body:nth-of-
 * type(1) > … > input:nth-of-type(1)`, a position at every level from the document's root.
 * It breaks on the first layout change, which is what a picked target must not do. (A short
 * positional selector that finder chose on purpose starts below `body` and is kept.)
 */
export function isPositionalPath(selector: string): boolean {
  const [first, ...rest] = selector.split(' > ');
  return (
    first === 'html' && rest.every((step) => /^[a-z][a-z0-9-]*:nth-of-type\(\d+\)$/.test(step))
  );
}

/** Generated names never make it into a selector; ids and chosen attributes come first. */
function selectorOf(el: Element, root: Document | ShadowRoot): string | undefined {
  try {
    const selector = finder(el, {
      // finder searches from this node; a shadow root works like a document here.
      root: (root instanceof ShadowRoot
        ? root
        : (root.body ?? root.documentElement)) as unknown as Element,
      idName: stableId,
      className: stableClass,
      attr: (name, value) =>
        name === 'name'
          ? isFieldName(root, value)
          : name !== 'id' && name !== 'type' && name !== 'role' && stableAttr(name, value),
      // The budget is the number of candidate paths, the same on any machine; the time limit
      // is only a backstop (300 ms gave up on `#account-number` on a busy machine).
      timeoutMs: 2000,
      maxNumberOfPathChecks: 4000,
    });
    // Out of budget, finder answers with a path of positions: the other signals do better.
    return isPositionalPath(selector) ? undefined : selector;
  } catch {
    // No unique selector in time: the other signals still describe the element.
    return undefined;
  }
}

function roleOf(el: Element): string | undefined {
  const role = getRole(el);
  return role && !EMPTY_ROLES.has(role) ? role : undefined;
}

/**
 * The text of the element's first <label>, as resolveTarget compares it (trailing "*" and
 * ":" dropped). Skipped when the label holds a select or textarea, whose text is options or
 * typed content.
 */
function labelOf(el: Element): string | undefined {
  const labels = (el as HTMLInputElement).labels;
  const label = labels?.[0];
  if (!label || label.querySelector('select,textarea')) return undefined;
  const text = squash(label.textContent).replace(/[\s*:]+$/, '');
  return text && text.length <= MAX_TEXT ? text : undefined;
}

/** The accessible name, unless it could hold what was typed into another field. */
function nameOf(el: Element): string | undefined {
  const labels = (el as HTMLInputElement).labels;
  const nested = labels && Array.from(labels).some((l) => l.querySelector(FIELDS) !== null);
  if (nested && !el.matches('input[type=checkbox],input[type=radio]')) return undefined;
  if (labels && Array.from(labels).some((l) => l.querySelector('select,textarea'))) {
    return undefined;
  }
  if (el.matches(FIELDS) && el.getAttribute('aria-labelledby')) {
    // A name built from other elements may include another field's value.
    const ids = el.getAttribute('aria-labelledby')!.split(/\s+/);
    const root = rootOf(el);
    if (ids.some((id) => root.getElementById(id)?.matches(FIELDS))) return undefined;
  }
  const name = squash(computeAccessibleName(el));
  return name && name.length <= MAX_TEXT ? name : undefined;
}

const ATTR_ORDER = ['id', 'name', 'aria-label', 'placeholder'];

/** Stable attributes, at most four. `type` alone would match every field of that type. */
function attrsOf(el: Element): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const add = (name: string) => {
    if (name === 'name' && !el.matches(NAMED_FIELDS)) return;
    const value = el.getAttribute(name);
    if (value !== null && Object.keys(out).length < 4 && stableAttr(name, value)) {
      out[name] = value;
    }
  };
  for (const name of ATTR_ORDER) add(name);
  for (const { name } of Array.from(el.attributes)) if (name.startsWith('data-')) add(name);
  if (Object.keys(out).length === 0) return undefined;
  if (el.localName === 'input') add('type');
  return out;
}

/**
 * Visible text, for interface wording (buttons, links, headings…) and, as a last resort,
 * for a short element nothing else identifies. Never the text of fields or editable regions.
 */
function textOf(el: Element, role: string | undefined, identified: boolean): string | undefined {
  if (el.matches(FIELDS) || el.querySelector(FIELDS)) return undefined;
  if ((el as HTMLElement).isContentEditable || el.closest('[contenteditable]')) return undefined;
  const text = squash(el.textContent);
  if (!text || text.length > MAX_TEXT) return undefined;
  if (role && WORDING_ROLES.has(role)) return text;
  return identified || text.length > 40 ? undefined : text;
}

/** An attribute value for a quoted CSS string, as readable as it can stay. */
const quoted = (value: string) => value.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\a ');

/** A short selector for a container, or undefined when it has no stable one. */
function containerSelector(el: Element, root: Document | ShadowRoot): string | undefined {
  const tag = el.localName;
  const candidates: string[] = [];
  const id = el.getAttribute('id');
  if (id && stableId(id)) candidates.push(`#${CSS.escape(id)}`);
  for (const name of ['data-testid', 'data-test', 'data-qa', 'name', 'aria-label']) {
    const value = el.getAttribute(name);
    if (value && stableAttr(name, value) && value.length <= 60) {
      candidates.push(`${tag}[${name}="${quoted(value)}"]`);
    }
  }
  return candidates.find((sel) => root.querySelectorAll(sel).length === 1);
}

const CONTAINERS =
  'form,dialog,fieldset,section,nav,aside,main,[role=dialog],[role=alertdialog],[role=form],[role=region],[role=tabpanel],[role=group]';

/** The nearest landmark-like ancestor with a stable selector, within the element's root. */
function containerOf(el: Element, root: Document | ShadowRoot): string | undefined {
  for (let up = el.parentElement; up; up = up.parentElement) {
    if (up.shadowRoot) return undefined;
    if (up.matches(CONTAINERS)) {
      const sel = containerSelector(up, root);
      if (sel) return sel;
    }
  }
  return undefined;
}

/** The element's description for the author: role, name and label as the page gives them. */
export function describeElement(el: Element): TargetDescription {
  const role = roleOf(el);
  const name = nameOf(el);
  const label = labelOf(el);
  return {
    tag: el.localName,
    ...(role ? { role } : {}),
    ...(name ? { name } : {}),
    ...(label ? { label } : {}),
  };
}

/** The multi-signal target for `el`, and its description. */
export function captureTarget(el: Element): Capture {
  const root = rootOf(el);
  const description = describeElement(el);
  const { role, name, label } = description;
  const attrs = attrsOf(el);
  const css = selectorOf(el, root);
  const text = textOf(el, role, Boolean(label || name || attrs));
  let within: string | undefined;
  if (root instanceof ShadowRoot) {
    // Inside a shadow root the selector is relative to it; `within` names its host.
    const host = root.host;
    within = selectorOf(host, rootOf(host));
  } else {
    within = containerOf(el, root);
  }
  const target: Target = {
    ...(css ? { css } : {}),
    ...(role ? { role } : {}),
    ...(name ? { name } : {}),
    ...(label ? { label } : {}),
    ...(attrs ? { attrs } : {}),
    ...(text ? { text } : {}),
    ...(within ? { within } : {}),
  };
  // An element with no signal at all (a bare <div> in a bare page) still gets its tag.
  if (!css && !role && !name && !label && !attrs && !text) target.css = el.localName;
  return { target, description };
}
