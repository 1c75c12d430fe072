// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { isHealed, resolveTarget, stillResolves } from '../../../src/aids/target';

const FORM = `
  <form>
    <label for="email">Email</label>
    <input id="email" name="email" type="email" class="c-x1">
    <label for="phone">Phone</label>
    <input id="phone" name="phone" type="tel" class="c-x1">
    <label><input type="checkbox" id="consent" name="consent"> Customer consented</label>
    <button type="submit">Save contact</button>
  </form>`;

describe('resolveTarget', () => {
  beforeEach(() => {
    document.body.innerHTML = FORM;
  });

  it('finds the element by css when every signal agrees', () => {
    const r = resolveTarget({ css: '#email', label: 'Email', attrs: { name: 'email' } });
    expect(r.element?.id).toBe('email');
    expect(r.foundBy).toBe('css');
    expect(r.failed).toEqual([]);
  });

  it('heals a broken css selector through the label and says which signal failed', () => {
    const target = { css: '#email-old', label: 'Email', role: 'textbox' };
    const r = resolveTarget(target);
    expect(r.element?.id).toBe('email');
    expect(r.foundBy).toBe('label');
    expect(r.failed).toContain('css');
    expect(isHealed(target, r)).toBe(true);
  });

  it('prefers the candidate that satisfies more signals over the first css match', () => {
    // ".c-x1" matches both inputs; the name attribute picks the phone field.
    const r = resolveTarget({ css: '.c-x1', attrs: { name: 'phone' } });
    expect(r.element?.id).toBe('phone');
    expect(r.ambiguous).toBe(false);
  });

  it('reports ambiguity when several elements tie', () => {
    const r = resolveTarget({ css: '.c-x1' });
    expect(r.element).not.toBeNull();
    expect(r.ambiguous).toBe(true);
  });

  it('finds a checkbox by the text of its wrapping label', () => {
    const r = resolveTarget({ label: 'Customer consented' });
    expect(r.element?.id).toBe('consent');
  });

  it('finds a button by role and accessible name', () => {
    const r = resolveTarget({ role: 'button', name: 'Save contact' });
    expect(r.element?.tagName).toBe('BUTTON');
  });

  it('returns null and lists every given signal when nothing matches', () => {
    const r = resolveTarget({ css: '#nope', label: 'Nope' });
    expect(r.element).toBeNull();
    expect(r.failed).toEqual(['css', 'label']);
  });

  it('survives an invalid css selector', () => {
    const r = resolveTarget({ css: '#[bad', label: 'Phone' });
    expect(r.element?.id).toBe('phone');
    expect(r.failed).toContain('css');
  });

  it('searches only inside `within` when it is given', () => {
    document.body.innerHTML = `<div id="a"><button>Go</button></div><div id="b"><button>Go</button></div>`;
    const r = resolveTarget({ within: '#b', text: 'Go' });
    expect(r.element?.parentElement?.id).toBe('b');
  });
});

describe('resolveTarget when the page changed', () => {
  it('finds the right element when the css selector now hits another one', () => {
    document.body.innerHTML = `
      <label for="a">Phone</label><input id="a" class="field">
      <button class="field">Save contact</button>`;
    const r = resolveTarget({ css: 'button.field', role: 'textbox', name: 'Phone' });
    expect(r.element?.id).toBe('a');
    expect(r.failed).toEqual(['css']);
  });

  it('finds an element by accessible name alone', () => {
    document.body.innerHTML = `<button aria-label="Close case">x</button><button>Other</button>`;
    expect(resolveTarget({ name: 'close case' }).element?.getAttribute('aria-label')).toBe(
      'Close case',
    );
  });
});

describe('resolveTarget does not heal onto a stranger', () => {
  it('does not take another checkbox when only the role still matches', () => {
    document.body.innerHTML = `<label><input type="checkbox" id="identity"> Identity confirmed</label>`;
    const r = resolveTarget({
      css: '#consent',
      label: 'Customer consented',
      role: 'checkbox',
      attrs: { name: 'consent' },
    });
    expect(r.element).toBeNull();
    expect(r.failed).toEqual(['css', 'attrs', 'label', 'role']);
  });

  it('still accepts role alone when role is all the target gives', () => {
    document.body.innerHTML = `<div><input type="checkbox" id="only"></div>`;
    expect(resolveTarget({ role: 'checkbox' }).element?.id).toBe('only');
  });
});

describe('stillResolves: a find kept from one pass to the next', () => {
  it('keeps an element that is there, shown and meets every signal; asks for a search otherwise', () => {
    document.body.innerHTML =
      '<label for="e">Email</label><input id="e" name="email"><button id="b">Save</button>';
    const target = { css: '#e', label: 'Email' };
    const r = resolveTarget(target);
    expect(r.element?.id).toBe('e');
    expect(stillResolves(target, r)).toBe(true);
    // A signal that no longer holds: search again (a better element may be there).
    document.querySelector('label')!.textContent = 'Work email';
    expect(stillResolves(target, r)).toBe(false);
    document.querySelector('label')!.textContent = 'Email';
    expect(stillResolves(target, r)).toBe(true);
    // Gone from the page, or hidden.
    const input = r.element as HTMLElement;
    input.style.display = 'none';
    expect(stillResolves(target, r)).toBe(false);
    input.style.display = '';
    input.remove();
    expect(stillResolves(target, r)).toBe(false);
  });

  it('never keeps a healed, ambiguous or missing find, nor one within a container', () => {
    document.body.innerHTML = '<form><button>Save</button><button>Save</button></form><p>x</p>';
    const healed = resolveTarget({ css: '#gone', text: 'x' });
    expect(healed.element?.localName).toBe('p');
    expect(stillResolves({ css: '#gone', text: 'x' }, healed)).toBe(false);
    const twice = resolveTarget({ text: 'Save' });
    expect(twice.ambiguous).toBe(true);
    expect(stillResolves({ text: 'Save' }, twice)).toBe(false);
    const missing = resolveTarget({ css: '#nothing' });
    expect(stillResolves({ css: '#nothing' }, missing)).toBe(false);
    const within = { within: 'form', css: 'button' };
    expect(stillResolves(within, resolveTarget(within))).toBe(false);
  });
});
