// @vitest-environment happy-dom
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ShadowRootReader } from '../../../src/aids/composed';
import { completionHolds } from '../../../src/aids/conditions';
import { testPattern } from '../../../src/aids/regex';
import { installRegexEngine } from '../../../src/aids/regex-slot';
import type { Completion, Target } from '../../../src/aids/schema';
import { resolveTarget } from '../../../src/aids/target';
import { readChecked, readValue, ruleProblem } from '../../../src/aids/values';

const resolve = (t: Target) => resolveTarget(t);
const holds = (done: Completion) =>
  completionHolds(done, resolve, '', { clicked: false, seen: false });
const filled = (css: string) => holds({ type: 'filled', target: { css } });
const checked = (css: string) => holds({ type: 'checked', target: { css } });
const $ = (css: string) => document.querySelector(css)!;

// `matches` rules run on the engine a page loads on demand (src/aids/regex-slot.ts).
beforeAll(() => installRegexEngine({ test: testPattern }));
afterAll(() => installRegexEngine(undefined));

/** A component with value and checked properties, like Shoelace's sl-input and sl-switch. */
class ValueInput extends HTMLElement {
  value = '';
}
class CheckSwitch extends HTMLElement {
  checked = false;
  value = 'on';
}
/** Material's md-switch says `selected`. */
class SelectedSwitch extends HTMLElement {
  selected = false;
}
/** A form-associated field whose value lives in a property only. */
class FaceField extends HTMLElement {
  static formAssociated = true;
  value = '';
}
/** A component with no properties that wraps a native field in its (closed) shadow root. */
class WrapField extends HTMLElement {}

beforeAll(() => {
  customElements.define('x-value-input', ValueInput);
  customElements.define('x-check-switch', CheckSwitch);
  customElements.define('x-selected-switch', SelectedSwitch);
  customElements.define('x-face-field', FaceField);
  customElements.define('x-wrap-field', WrapField);
});

describe('values of custom elements', () => {
  beforeEach(() => {
    document.body.innerHTML = `
      <x-value-input id="vi"></x-value-input>
      <x-check-switch id="sw"></x-check-switch>
      <x-selected-switch id="md"></x-selected-switch>
      <x-face-field id="face"></x-face-field>
      <x-wrap-field id="wrap"></x-wrap-field>`;
  });

  it('reads a value property (plain and form-associated)', () => {
    expect(filled('#vi')).toBe(false);
    ($('#vi') as ValueInput).value = 'Ann';
    expect(filled('#vi')).toBe(true);
    expect(holds({ type: 'matches', target: { css: '#vi' }, pattern: '^Ann$' })).toBe(true);
    ($('#face') as FaceField).value = '42';
    expect(filled('#face')).toBe(true);
  });

  it('reads a checked (or selected) property', () => {
    expect(checked('#sw')).toBe(false);
    expect(filled('#sw')).toBe(false);
    ($('#sw') as CheckSwitch).checked = true;
    expect(checked('#sw')).toBe(true);
    expect(filled('#sw')).toBe(true);
    ($('#md') as SelectedSwitch).selected = true;
    expect(checked('#md')).toBe(true);
  });

  it('reads the properties Firefox content scripts see only through wrappedJSObject', () => {
    const el = document.createElement('x-firefox-view');
    document.body.append(el);
    const page: { value: string; checked?: boolean } = { value: 'Ann' };
    Object.defineProperty(el, 'wrappedJSObject', { value: page });
    expect(readValue(el)).toBe('Ann');
    expect(readChecked(el)).toBeNull();
    page.checked = true;
    expect(readChecked(el)).toBe(true);
    expect(readValue(el)).toBe('Ann');
  });

  it('reads the native field in a host’s open or closed shadow root', () => {
    const host = $('#wrap');
    const root = host.attachShadow({ mode: 'closed' });
    root.innerHTML = '<input id="in"><input type="checkbox" id="cb">';
    const read: ShadowRootReader = (el) => (el === host ? root : el.shadowRoot);
    const input = root.getElementById('in') as HTMLInputElement;
    expect(readValue(host, read)).toBe('');
    input.value = 'Ann';
    expect(readValue(host, read)).toBe('Ann');
    // Without a reader for closed roots the field is out of reach: no value at all.
    expect(readValue(host)).toBeNull();
    expect(readChecked(host, read)).toBe(false);
    (root.getElementById('cb') as HTMLInputElement).checked = true;
    expect(readChecked(host, read)).toBe(true);
    expect(
      completionHolds(
        { type: 'filled', target: { css: '#wrap' } },
        resolve,
        '',
        { clicked: false, seen: false },
        read,
      ),
    ).toBe(true);
  });
});

describe('values of ARIA widgets', () => {
  it('reads a combobox button: empty while it shows its placeholder, then the chosen text', () => {
    document.body.innerHTML = `
      <button type="button" role="combobox" id="cb" aria-expanded="false" data-placeholder="">
        <span>Select a reason…</span><svg aria-hidden="true"></svg>
      </button>`;
    const trigger = $('#cb');
    expect(readValue(trigger)).toBe('');
    expect(filled('#cb')).toBe(false);
    trigger.removeAttribute('data-placeholder');
    trigger.querySelector('span')!.textContent = 'Billing error';
    expect(readValue(trigger)).toBe('Billing error');
    expect(holds({ type: 'matches', target: { css: '#cb' }, pattern: '^Billing' })).toBe(true);
    trigger.setAttribute('aria-valuetext', 'Refund');
    expect(readValue(trigger)).toBe('Refund');
  });

  it('reads a combobox wrapping an input, and a listbox’s selected options', () => {
    document.body.innerHTML = `
      <div role="combobox" id="c"><input id="ci" value="Paris"></div>
      <ul role="listbox" id="lb">
        <li role="option" aria-selected="false">SMS</li>
        <li role="option" aria-selected="true">Email</li>
      </ul>`;
    expect(readValue($('#c'))).toBe('Paris');
    expect(readValue($('#lb'))).toBe('Email');
  });

  it('reads switches and checkboxes by aria-checked ("mixed" is not ticked)', () => {
    document.body.innerHTML = `
      <button role="switch" id="s" aria-checked="false">Notify</button>
      <div role="checkbox" id="c" aria-checked="mixed"></div>
      <div role="menuitemcheckbox" id="m" aria-checked="true"></div>`;
    expect(checked('#s')).toBe(false);
    $('#s').setAttribute('aria-checked', 'true');
    expect(checked('#s')).toBe(true);
    expect(checked('#c')).toBe(false);
    expect(readChecked($('#c'))).toBe(false);
    expect(checked('#m')).toBe(true);
  });

  it('reads radio groups: ARIA and native, filled once one is chosen', () => {
    document.body.innerHTML = `
      <div role="radiogroup" id="g" aria-label="Channel">
        <div role="radio" aria-checked="false">Phone</div>
        <div role="radio" aria-checked="false" id="r2">Email</div>
      </div>
      <form>
        <input type="radio" name="pay" value="card" id="p1">
        <input type="radio" name="pay" value="cash" id="p2">
      </form>
      <input type="radio" name="pay" value="elsewhere" id="other" checked>`;
    expect(filled('#g')).toBe(false);
    expect(readChecked($('#g'))).toBe(false);
    $('#r2').setAttribute('aria-checked', 'true');
    expect(readValue($('#g'))).toBe('Email');
    expect(readValue($('#r2'))).toBe('Email');
    expect(checked('#g')).toBe(true);
    // A native radio stands for its group (same name, same form): filled once any is chosen.
    expect(filled('#p1')).toBe(false);
    ($('#p2') as HTMLInputElement).checked = true;
    expect(filled('#p1')).toBe(true);
    expect(readValue($('#p1'))).toBe('cash');
    expect(checked('#p1')).toBe(false);
  });
});

describe('ruleProblem', () => {
  beforeEach(() => {
    document.body.innerHTML = `
      <div id="div">Total</div>
      <button id="btn">Save</button>
      <button role="combobox" id="combo">Choose</button>
      <input id="in"><input type="checkbox" id="box">
      <div role="switch" id="sw" aria-checked="false"></div>
      <x-value-input id="vi"></x-value-input>
      <x-not-yet-defined id="later"></x-not-yet-defined>`;
  });
  const rule = (type: 'filled' | 'matches' | 'checked', css: string) =>
    ruleProblem(
      type === 'matches'
        ? { type, target: { css }, pattern: '.' }
        : ({ type, target: { css } } as Completion),
      $(css),
    );

  it('says "no_value" for filled and matches on elements with no value', () => {
    expect(rule('filled', '#div')).toBe('no_value');
    expect(rule('matches', '#btn')).toBe('no_value');
    expect(rule('filled', '#combo')).toBeNull();
    expect(rule('filled', '#in')).toBeNull();
    expect(rule('filled', '#vi')).toBeNull();
  });

  it('says "no_checked_state" for checked on elements that cannot be ticked', () => {
    expect(rule('checked', '#in')).toBe('no_checked_state');
    expect(rule('checked', '#btn')).toBe('no_checked_state');
    expect(rule('checked', '#box')).toBeNull();
    expect(rule('checked', '#sw')).toBeNull();
  });

  it('gives no verdict on a custom element that is not defined yet', () => {
    expect(rule('filled', '#later')).toBeNull();
    expect(ruleProblem({ type: 'appears', target: { css: '#div' } }, $('#div'))).toBeNull();
  });
});
