// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Target } from '../../../src/aids/schema';
import { resolveTarget } from '../../../src/aids/target';
import { captureTarget, hostSelector } from '../../../src/picker/capture';
import {
  composedQueryAll,
  elementAt,
  focusedIn,
  hostsOf,
  shadowRootOf,
} from '../../../src/picker/composed';
import { partId, stableAttr, stateAttr } from '../../../src/picker/stable';

// The closed roots a Chromium content script can read through chrome.dom, set up before the
// modules load: the reader is chosen once.
const closedRoots = vi.hoisted(() => {
  const roots = new Map<Element, ShadowRoot>();
  (globalThis as { chrome?: unknown }).chrome = {
    dom: { openOrClosedShadowRoot: (el: Element) => roots.get(el) ?? el.shadowRoot },
  };
  return roots;
});

/**
 * An address form built like Shoelace: <address-form> (open root) holds two <x-input>s (open
 * roots), each with a <label for="input"> and an <input id="input" data-optional>, the way
 * every instance of a library component repeats its part ids.
 */
function shoelaceLike(mode: ShadowRootMode = 'open') {
  document.body.innerHTML = '<h1>Delivery</h1><address-form></address-form>';
  const form = document.querySelector('address-form')!;
  const outer = form.attachShadow({ mode: 'open' });
  outer.innerHTML = `
    <x-input name="postcode" label="Postcode" data-optional></x-input>
    <x-input name="city" label="City" data-optional></x-input>`;
  const inputs: HTMLInputElement[] = [];
  for (const host of Array.from(outer.querySelectorAll('x-input'))) {
    const root = host.attachShadow({ mode });
    root.innerHTML = `
      <div part="form-control" class="form-control" data-optional>
        <label id="label" part="form-control-label" for="input">${host.getAttribute('label')}</label>
        <div part="base" class="input input--medium">
          <input id="input" part="input" class="input__control" type="text"
            aria-describedby="help-text" aria-invalid="false" data-optional data-empty>
        </div>
        <div id="help-text" part="form-control-help-text"></div>
      </div>`;
    inputs.push(root.querySelector('input')!);
  }
  return { form, outer, postcode: inputs[0]!, city: inputs[1]! };
}

/** Captures `el`; the target must be valid and find `el` and no other element. */
function roundTrip(el: Element) {
  const captured = captureTarget(el);
  expect(captured.problem).toBeUndefined();
  expect(Target.safeParse(captured.target).success).toBe(true);
  const r = resolveTarget(captured.target, document);
  expect(r.element).toBe(el);
  expect(r.ambiguous).toBe(false);
  expect(r.failed).toEqual([]);
  return captured;
}

describe('stable signals inside shadow roots', () => {
  it('knows a library part id from an id a person wrote', () => {
    for (const id of ['input', 'control', 'base', 'label', 'help-text', 'form-control']) {
      expect(partId(id)).toBe(true);
    }
    for (const id of ['postcode', 'account-number', 'verify-customer']) {
      expect(partId(id)).toBe(false);
    }
    // Part ids stay usable outside shadow roots, where an id is unique in the page.
    expect(stableAttr('id', 'input')).toBe(true);
    expect(stableAttr('id', 'input', true)).toBe(false);
    expect(stableAttr('id', 'postcode', true)).toBe(true);
  });

  it('never keeps an attribute that follows validity, focus or value', () => {
    for (const name of [
      'data-optional',
      'data-required',
      'data-invalid',
      'data-valid',
      'data-user-invalid',
      'data-user-valid',
      'data-empty',
      'data-focused',
      'data-state',
      'data-disabled',
      'data-placeholder',
      'data-highlighted',
      'aria-invalid',
      'aria-expanded',
      'aria-checked',
      'aria-selected',
    ]) {
      expect(stateAttr(name), name).toBe(true);
      expect(stableAttr(name, ''), name).toBe(false);
    }
    expect(stateAttr('data-testid')).toBe(false);
    expect(stableAttr('data-field', 'postcode')).toBe(true);
  });
});

describe('picking a field two shadow roots deep', () => {
  it('captures Postcode so that it finds Postcode, not City', () => {
    const { postcode, city } = shoelaceLike();
    const { target, description } = roundTrip(postcode);
    const text = JSON.stringify(target);
    expect(text).not.toContain('#input');
    expect(text).not.toContain('"id":"input"');
    expect(text).not.toMatch(/data-optional|data-empty|aria-invalid/);
    expect(target).toMatchObject({ role: 'textbox', label: 'Postcode' });
    expect(target.within).toBe('x-input[name="postcode"]');
    expect(description).toMatchObject({ tag: 'input', role: 'textbox', label: 'Postcode' });
    // And City, captured the same way, finds City.
    expect(roundTrip(city).target.within).toBe('x-input[name="city"]');
  });

  it('names a host by a stable attribute that is unique in the whole composed tree', () => {
    const { outer } = shoelaceLike();
    const [postcodeHost] = Array.from(outer.querySelectorAll('x-input'));
    expect(hostSelector(postcodeHost!)).toBe('x-input[name="postcode"]');
    expect(hostSelector(document.querySelector('address-form')!)).toBe('address-form');
    expect(composedQueryAll(document, 'input')).toHaveLength(2);
    expect(hostsOf(composedQueryAll(document, 'input')[0]!)).toEqual([
      postcodeHost,
      document.querySelector('address-form'),
    ]);
  });

  it('goes out to a host further up when the nearest one repeats', () => {
    document.body.innerHTML = `
      <address-block data-testid="billing"></address-block>
      <address-block data-testid="delivery"></address-block>`;
    const fields: HTMLInputElement[] = [];
    for (const block of Array.from(document.querySelectorAll('address-block'))) {
      const outer = block.attachShadow({ mode: 'open' });
      outer.innerHTML = '<x-input name="postcode"></x-input>';
      const inner = outer.querySelector('x-input')!.attachShadow({ mode: 'open' });
      inner.innerHTML = '<input id="input" type="text" data-optional>';
      fields.push(inner.querySelector('input')!);
    }
    const delivery = fields[1]!;
    const captured = captureTarget(delivery);
    expect(captured.problem).toBeUndefined();
    expect(JSON.stringify(captured.target)).not.toMatch(/"id":"input"|#input|data-optional/);
    expect(captured.target.within).toBe('address-block[data-testid="delivery"]');
    const r = resolveTarget(captured.target, document);
    expect(r.element).toBe(delivery);
    expect(r.ambiguous).toBe(false);
  });
});

describe('closed shadow roots', () => {
  beforeEach(() => closedRoots.clear());

  function closedField() {
    document.body.innerHTML = '<pin-field data-testid="pin"></pin-field><button>Save</button>';
    const host = document.querySelector('pin-field') as HTMLElement;
    const root = host.attachShadow({ mode: 'closed' });
    closedRoots.set(host, root);
    root.innerHTML = '<label for="pin">Account PIN</label><input id="pin" type="text">';
    return { host, root, input: root.querySelector('input')! };
  }

  it('reads a closed root through the extension’s reader', () => {
    const { host, root } = closedField();
    expect(host.shadowRoot).toBeNull();
    expect(shadowRootOf(host)).toBe(root);
    expect(shadowRootOf(document.querySelector('button')!)).toBeNull();
  });

  it('goes down from the host to the element under the pointer and to the focused one', () => {
    const { host, root, input } = closedField();
    // happy-dom does not lay out: the root answers what a browser would.
    let hit: Element = input;
    Object.defineProperty(root, 'elementFromPoint', { value: () => hit });
    expect(elementAt(host, 10, 10)).toBe(input);
    // The point is on the host's own box: the host is the innermost element there.
    hit = document.body;
    expect(elementAt(host, 10, 10)).toBe(host);
    input.focus();
    expect(focusedIn(host)).toBe(input);
  });

  it('captures a labelled input in a closed root with its host as `within`', () => {
    const { input } = closedField();
    const { target, description, problem } = captureTarget(input);
    expect(problem).toBeUndefined();
    expect(target).toMatchObject({ label: 'Account PIN', within: 'pin-field[data-testid="pin"]' });
    expect(description).toMatchObject({ role: 'textbox', label: 'Account PIN' });
  });
});
