// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { Target } from '../../../src/aids/schema';
import { resolveTarget } from '../../../src/aids/target';
import { captureTarget, describeElement, isPositionalPath } from '../../../src/picker/capture';

/** The body of one of the sample apps' pages, without its scripts. */
function appBody(path: string): string {
  const html = readFileSync(join(process.cwd(), 'tests/apps', path), 'utf8');
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)![1]!;
  return body.replace(/<script[\s\S]*?<\/script>/gi, '');
}

/** Captures `el` and checks that the target is valid and resolves back to it. */
function roundTrip(el: Element) {
  const captured = captureTarget(el);
  expect(Target.safeParse(captured.target).success).toBe(true);
  const r = resolveTarget(captured.target, document);
  expect(r.element).toBe(el);
  expect(r.failed).toEqual([]);
  expect(r.ambiguous).toBe(false);
  return captured;
}

const hashed = /__|sc-|css-|[A-Z][a-z]\d/;

describe('captureTarget on the portal support form', () => {
  beforeEach(() => {
    document.body.innerHTML = appBody('portal/support/new.html');
  });

  it('captures a text field by id, label, role, name and attributes, without hashed classes', () => {
    const input = document.getElementById('account-number')!;
    (input as HTMLInputElement).value = '1234567890';
    const { target, description } = roundTrip(input);
    expect(target).toMatchObject({
      css: '#account-number',
      role: 'textbox',
      name: 'Account number',
      label: 'Account number',
      attrs: { id: 'account-number', name: 'account_number', type: 'text' },
    });
    expect(target.text).toBeUndefined();
    expect(target.within).toBe('form[aria-label="Support request"]');
    expect(JSON.stringify(target)).not.toContain('1234567890');
    expect(description).toEqual({
      tag: 'input',
      role: 'textbox',
      name: 'Account number',
      label: 'Account number',
    });
  });

  it('never keeps the text of a textarea or the options of a select', () => {
    const textarea = document.getElementById('description') as HTMLTextAreaElement;
    textarea.textContent = 'My meter is broken';
    const { target } = roundTrip(textarea);
    expect(JSON.stringify(target)).not.toContain('meter is broken');
    const select = document.getElementById('topic')!;
    const captured = roundTrip(select);
    expect(captured.target.role).toBe('combobox');
    expect(JSON.stringify(captured.target)).not.toContain('Smart meter');
  });

  it('captures a button with its text, and a link without an id', () => {
    const button = document.getElementById('submit-request')!;
    expect(roundTrip(button).target).toMatchObject({ role: 'button', text: 'Submit' });
    const cancel = Array.from(document.querySelectorAll('a')).find(
      (a) => a.textContent === 'Cancel',
    )!;
    const { target } = roundTrip(cancel);
    expect(target).toMatchObject({ role: 'link', name: 'Cancel', text: 'Cancel' });
    expect(target.css).toBeDefined();
    expect(target.css).not.toMatch(hashed);
  });

  it('keeps generated class names out of every selector', () => {
    for (const el of document.querySelectorAll('main *')) {
      const { target } = roundTrip(el);
      if (target.css) expect(target.css).not.toMatch(hashed);
      if (target.within) expect(target.within).not.toMatch(hashed);
    }
  });
});

describe('captureTarget with generated ids and classes', () => {
  it('leaves out a generated id, keeps data-testid and the label', () => {
    document.body.innerHTML = `
      <form>
        <label for=":r5:">Customer email</label>
        <input id=":r5:" class="css-1x2y3z" data-testid="customer-email" type="email" value="a@b.c">
        <label for="ember1234">Phone</label>
        <input id="ember1234" class="sc-bdVaJa jXkLmP" type="tel">
      </form>`;
    const { target } = roundTrip(document.querySelector('[data-testid]')!);
    expect(target.attrs).toEqual({ 'data-testid': 'customer-email', type: 'email' });
    expect(target.css).toBe('[data-testid="customer-email"]');
    expect(JSON.stringify(target)).not.toContain('a@b.c');
    const phone = roundTrip(document.querySelector('input[type=tel]')!).target;
    expect(phone.attrs).toBeUndefined();
    expect(phone.label).toBe('Phone');
    expect(phone.css).not.toMatch(/ember|sc-|jXkLmP/);
  });

  it('keeps the label without a trailing colon or asterisk, and no type on its own', () => {
    document.body.innerHTML = `<label for="x-9">Amount *:</label><input id="x-9" type="number">`;
    const { target } = roundTrip(document.querySelector('input')!);
    expect(target.label).toBe('Amount');
    expect(target.attrs).toEqual({ id: 'x-9', type: 'number' });
  });

  it('describes an element nothing names by its tag', () => {
    document.body.innerHTML = '<div><div>1</div><div>2</div></div>';
    const el = document.body.firstElementChild!.lastElementChild!;
    expect(describeElement(el)).toEqual({ tag: 'div' });
    const { target } = roundTrip(el);
    expect(target.text).toBe('2');
  });
});

describe('captureTarget inside an open shadow root', () => {
  beforeEach(() => {
    document.body.innerHTML = `
      <main><h2>Customer</h2>
        <customer-card class="sc-jKJlTe kFxQvN"></customer-card>
        <button type="button">Verify customer</button>
      </main>`;
    const host = document.querySelector('customer-card')!;
    host.attachShadow({ mode: 'open' }).innerHTML = `
      <section class="card" aria-labelledby="card-heading">
        <h2 id="card-heading">Customer</h2>
        <dl><dt>Account number</dt><dd id="account-number">NW-204118</dd></dl>
        <button type="button" id="verify-customer">Verify customer</button>
      </section>`;
  });

  it('uses the host as `within` and a selector relative to the shadow root', () => {
    const shadow = document.querySelector('customer-card')!.shadowRoot!;
    const button = shadow.getElementById('verify-customer')!;
    const { target } = roundTrip(button);
    expect(target).toMatchObject({
      css: '#verify-customer',
      within: 'customer-card',
      role: 'button',
      name: 'Verify customer',
      text: 'Verify customer',
    });
    // The light-DOM button with the same name is not the one found.
    expect(resolveTarget({ role: 'button', name: 'Verify customer' }).element).not.toBe(button);
  });

  it('does not keep customer data as the text of an element with an id', () => {
    const dd = document
      .querySelector('customer-card')!
      .shadowRoot!.getElementById('account-number')!;
    const { target } = roundTrip(dd);
    expect(target.text).toBeUndefined();
    expect(JSON.stringify(target)).not.toContain('NW-204118');
  });

  it('captures an element of a shadow root nested in another', () => {
    const outer = document.querySelector('customer-card')!.shadowRoot!;
    const inner = document.createElement('verify-widget');
    outer.querySelector('section')!.append(inner);
    inner.attachShadow({ mode: 'open' }).innerHTML = '<button type="button">Call back</button>';
    const button = inner.shadowRoot!.querySelector('button')!;
    const { target } = roundTrip(button);
    expect(target.within).toBe('verify-widget');
  });
});

describe('captureTarget and the name attribute', () => {
  it('keeps `name` of fields only: on a custom element it can be a customer’s name', () => {
    document.body.innerHTML = `
      <customer-card name="Amelia Hughes" class="sc-jKJlTe"></customer-card>
      <customer-card name="Rob Lee" class="sc-jKJlTe"></customer-card>`;
    const card = document.querySelector('customer-card')!;
    card.attachShadow({ mode: 'open' }).innerHTML = '<button type="button">Verify</button>';
    const { target } = roundTrip(card.shadowRoot!.querySelector('button')!);
    expect(JSON.stringify(target)).not.toContain('Amelia');
    expect(target.within).toBe('customer-card:nth-of-type(1)');
    const own = roundTrip(card).target;
    expect(own.attrs).toBeUndefined();
    expect(JSON.stringify(own)).not.toContain('Amelia');
  });
});

describe('isPositionalPath', () => {
  it('recognises the all-positions path finder falls back to', () => {
    expect(
      isPositionalPath(
        'html > body:nth-of-type(1) > main:nth-of-type(1) > form:nth-of-type(1) > input:nth-of-type(1)',
      ),
    ).toBe(true);
  });

  it('keeps selectors with anything stable in them', () => {
    expect(isPositionalPath('#account-number')).toBe(false);
    expect(
      isPositionalPath('form[aria-label="Support request"] > div:nth-of-type(1) > input'),
    ).toBe(false);
    expect(isPositionalPath('[name="postcode"]')).toBe(false);
    // Short positional selectors finder chose itself start below the root.
    expect(isPositionalPath('div:nth-of-type(2) > button:nth-of-type(1)')).toBe(false);
  });
});
