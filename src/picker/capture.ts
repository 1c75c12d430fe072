/**
 * Turns the element an author picked into a multi-signal target: a CSS selector without
 * generated names, its role and accessible name, its label, its stable attributes, short
 * visible text, and the container it lives in (for an element inside shadow roots, open or
 * closed, a host with a stable selector). Each signal is read the way resolveTarget compares
 * it; then the target is resolved on the page, and narrowed until it finds the picked element
 * and no other, or the capture says in words why no stable description can.
 *
 * Never reads what a person typed: no `value`, no text of fields or editable regions.
 */
import { finder } from '@medv/finder';
import { computeAccessibleName, getRole } from 'dom-accessibility-api';
import type { Target } from '../aids/schema';
import { resolveTarget } from '../aids/target';
import { composedQueryAll, hostsOf, rootOf, sameField, shadowRootOf } from './composed';
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
  /** Why no stable description finds only this element, in the author's words. */
  problem?: string;
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
 * A form field made as a web component (`<sl-input name="postcode">`): a custom element whose
 * shadow root (open or closed) holds exactly one field. Its `name` names a field and its
 * `label` is the field's label; on other custom elements they can be data.
 */
function isFieldHost(el: Element): boolean {
  if (!el.localName.includes('-')) return false;
  const root = shadowRootOf(el);
  return root !== null && root.querySelectorAll(FIELDS).length === 1;
}

/** Inside a shadow root, ids and attributes are only unique within that root. */
const inShadow = (el: Element) => el.getRootNode() instanceof ShadowRoot;

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
  const shadow = root instanceof ShadowRoot;
  try {
    const selector = finder(el, {
      // finder searches from this node; a shadow root works like a document here.
      root: (shadow ? root : (root.body ?? root.documentElement)) as unknown as Element,
      idName: (id) => stableId(id, shadow),
      className: stableClass,
      attr: (name, value) =>
        name === 'name'
          ? isFieldName(root, value)
          : name !== 'id' && name !== 'type' && name !== 'role' && stableAttr(name, value, shadow),
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

const ATTR_ORDER = ['id', 'name', 'aria-label', 'label', 'placeholder'];

/** Stable attributes, at most four. `type` alone would match every field of that type. */
function attrsOf(el: Element): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const shadow = inShadow(el);
  const add = (name: string) => {
    if (name === 'name' && !el.matches(NAMED_FIELDS) && !isFieldHost(el)) return;
    if (name === 'label' && !isFieldHost(el)) return;
    const value = el.getAttribute(name);
    if (value !== null && Object.keys(out).length < 4 && stableAttr(name, value, shadow)) {
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
  if (id && stableId(id, root instanceof ShadowRoot)) candidates.push(`#${CSS.escape(id)}`);
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

/**
 * A selector for shadow host `host` that finds it and no other element anywhere in the
 * composed tree (the document and every shadow root), or undefined. Ids, test ids, the
 * field's name and label first; the bare tag when the component is used once.
 */
export function hostSelector(host: Element): string | undefined {
  const tag = host.localName;
  const candidates: string[] = [];
  const id = host.getAttribute('id');
  if (id && stableId(id, inShadow(host))) candidates.push(`${tag}#${CSS.escape(id)}`);
  const field = isFieldHost(host);
  for (const name of ['data-testid', 'data-test', 'data-qa', 'name', 'label', 'aria-label']) {
    if ((name === 'name' || name === 'label') && !field) continue;
    const value = host.getAttribute(name);
    if (value && stableAttr(name, value, inShadow(host)) && value.length <= 60) {
      candidates.push(`${tag}[${name}="${quoted(value)}"]`);
    }
  }
  candidates.push(tag);
  // Last, what finder makes of it within its own root (a position among its siblings).
  const found = selectorOf(host, rootOf(host));
  if (found) candidates.push(found);
  const doc = host.ownerDocument;
  return candidates.find((sel) => {
    const found = composedQueryAll(doc, sel);
    return found.length === 1 && found[0] === host;
  });
}

/** The signals `el` gives, read the way resolveTarget compares them; `within` not yet set. */
function signalsOf(el: Element): { target: Target; description: TargetDescription } {
  const root = rootOf(el);
  const description = describeElement(el);
  const { role, name, label } = description;
  const attrs = attrsOf(el);
  const css = selectorOf(el, root);
  const text = textOf(el, role, Boolean(label || name || attrs));
  const target: Target = {
    ...(css ? { css } : {}),
    ...(role ? { role } : {}),
    ...(name ? { name } : {}),
    ...(label ? { label } : {}),
    ...(attrs ? { attrs } : {}),
    ...(text ? { text } : {}),
  };
  // An element with no signal at all (a bare <div> in a bare page) still gets its tag.
  if (!css && !role && !name && !label && !attrs && !text) target.css = el.localName;
  return { target, description };
}

/** How a candidate target fared on the page: it finds `el` alone, another one, or several. */
type Outcome =
  | { ok: true; target: Target }
  | { ok: false; other: Element | null; ambiguous: boolean };

/** Resolves `target` where `el` lives; drops signals that do not hold for `el` even now. */
function tryTarget(el: Element, target: Target): Outcome {
  const doc = el.ownerDocument;
  const judge = (t: Target): Outcome => {
    const r = resolveTarget(t, doc);
    const found = sameField(r.element, el);
    if (found && !r.ambiguous && r.failed.length === 0) return { ok: true, target: t };
    return { ok: false, other: found ? null : r.element, ambiguous: r.ambiguous };
  };
  const first = judge(target);
  if (first.ok || first.other || first.ambiguous) return first;
  // Found, but a signal fails even now (a selector made relative to a shadow root that the
  // resolver reads from the document): it would only ever count against the element.
  const r = resolveTarget(target, doc);
  if (!sameField(r.element, el)) return first;
  const kept = { ...target } as Record<string, unknown>;
  for (const signal of r.failed) delete kept[signal];
  const narrower = kept as Target;
  const signals = ['css', 'role', 'name', 'label', 'attrs', 'text'] as const;
  if (!signals.some((s) => narrower[s] !== undefined)) return first;
  return judge(narrower);
}

/** "textbox “City”" or "<div>", for sentences about another element. */
function shortly(el: Element): string {
  const d = describeElement(el);
  const what = d.role ?? `<${d.tag}>`;
  const words = d.name ?? d.label;
  return words ? `${what} “${words}”` : what;
}

const NO_STABLE = 'No stable description finds only this element';

/** Why no candidate worked, for the author. */
function problemOf(target: Target, last: Outcome | null): string {
  const identified = target.label || target.name || target.attrs || target.text;
  if (!identified) {
    return `${NO_STABLE}: it has no label, name or stable attribute. Give it a label or a data-testid in the app, or pick the element around it.`;
  }
  if (last && !last.ok && last.ambiguous) {
    return `${NO_STABLE}: other elements have the same label, name and attributes. Add an area under “Within” that holds only this one.`;
  }
  if (last && !last.ok && last.other) {
    return `${NO_STABLE}: what it has in common with ${shortly(last.other)} finds that one first. Check the signals, or add an area under “Within”.`;
  }
  return `${NO_STABLE}: the page keeps it out of reach of a description (inside a shadow root that cannot be read from outside).`;
}

/**
 * The multi-signal target for `el`, checked on the page: it resolves to `el` and to no other
 * element. Inside shadow roots, `within` names the nearest host with a stable selector, then
 * hosts further out, then the host itself stands for the field; when nothing works,
 * `problem` says why.
 */
export function captureTarget(el: Element): Capture {
  const { target, description } = signalsOf(el);
  // Each candidate: a target and the element it must find (the host, when it stands for
  // the field). The description stays the field's: Check on page describes a component it
  // finds by the field it wraps, so the two compare alike.
  const candidates: { target: Target; element: Element }[] = [];
  const add = (t: Target, element = el) => candidates.push({ target: t, element });
  const hosts = hostsOf(el);
  if (hosts.length === 0) {
    const within = containerOf(el, rootOf(el));
    if (within) add({ ...target, within });
    add(target);
  } else {
    // The nearest host with a selector of its own first (the component the element is in),
    // then hosts further out: the form or panel that holds several such components.
    for (const host of hosts) {
      const within = hostSelector(host);
      if (within) add({ ...target, within });
    }
    add(target);
    // A field made as a web component: the host is what a person sees as the field.
    const host = hosts[0]!;
    if (el.matches(FIELDS) && isFieldHost(host)) {
      const own = signalsOf(host).target;
      const sel = hostSelector(host);
      const within = hosts[1] && hostSelector(hosts[1]);
      if (within) add({ ...own, within }, host);
      add(own, host);
      if (sel) add({ ...own, css: sel }, host);
    }
  }
  let last: Outcome | null = null;
  for (const c of candidates) {
    const outcome = tryTarget(c.element, c.target);
    if (outcome.ok) return { target: outcome.target, description };
    last ??= outcome;
  }
  return { target: candidates[0]!.target, description, problem: problemOf(target, last) };
}
