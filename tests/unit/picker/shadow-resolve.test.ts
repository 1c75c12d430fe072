// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../../src/aids/target';

/** A <customer-card> with an open shadow root, and look-alikes in the light DOM. */
function setUp() {
  document.body.innerHTML = `
    <label for="notes">Notes</label><input id="notes" name="notes">
    <button type="button" id="verify-customer">Verify customer</button>
    <customer-card></customer-card>`;
  const card = document.querySelector('customer-card')!;
  card.attachShadow({ mode: 'open' }).innerHTML = `
    <section aria-label="Customer">
      <label for="notes">Notes</label><textarea id="notes" name="notes"></textarea>
      <button type="button" id="verify-customer" data-testid="verify">Verify customer</button>
      <span class="badge">Not verified</span>
    </section>`;
  return card.shadowRoot!;
}

describe('resolveTarget with `within` naming a shadow host', () => {
  let shadow: ShadowRoot;
  beforeEach(() => {
    shadow = setUp();
  });

  it('resolves css inside the shadow root', () => {
    const r = resolveTarget({ css: '#verify-customer', within: 'customer-card' });
    expect(r.element).toBe(shadow.getElementById('verify-customer'));
    expect(r.foundBy).toBe('css');
    expect(r.failed).toEqual([]);
  });

  it('resolves a label inside the shadow root', () => {
    const r = resolveTarget({ label: 'Notes', within: 'customer-card' });
    expect(r.element).toBe(shadow.querySelector('textarea'));
    expect(r.foundBy).toBe('label');
  });

  it('resolves attrs, role and name, and text inside the shadow root', () => {
    expect(
      resolveTarget({ attrs: { 'data-testid': 'verify' }, within: 'customer-card' }).element,
    ).toBe(shadow.getElementById('verify-customer'));
    const byName = resolveTarget({
      css: '#gone',
      role: 'button',
      name: 'Verify customer',
      within: 'customer-card',
    });
    expect(byName.element).toBe(shadow.getElementById('verify-customer'));
    expect(byName.foundBy).toBe('name');
    expect(byName.failed).toEqual(['css']);
    expect(resolveTarget({ text: 'Not verified', within: 'customer-card' }).element).toBe(
      shadow.querySelector('.badge'),
    );
  });

  it('without `within`, stays in the light DOM', () => {
    const r = resolveTarget({ css: '#verify-customer' });
    expect(r.element).toBe(document.getElementById('verify-customer'));
  });

  it('finds the host of a nested shadow root', () => {
    const inner = document.createElement('verify-widget');
    shadow.querySelector('section')!.append(inner);
    inner.attachShadow({ mode: 'open' }).innerHTML = '<button type="button">Call back</button>';
    const r = resolveTarget({ role: 'button', name: 'Call back', within: 'verify-widget' });
    expect(r.element).toBe(inner.shadowRoot!.querySelector('button'));
    expect(r.failed).toEqual([]);
  });

  it('reports `within` as failed when no host matches, and searches the whole page', () => {
    const r = resolveTarget({ css: '#verify-customer', within: 'account-card' });
    expect(r.element).toBe(document.getElementById('verify-customer'));
    expect(r.failed).toEqual(['within']);
  });
});
