// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { controlOf } from '../../../src/picker/composed';

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('controlOf: the control a person means when the pointer is on a part of it', () => {
  it('goes from the thumb of an ARIA switch to the switch', () => {
    document.body.innerHTML = `<form><button role="switch" aria-checked="false" aria-labelledby="l">
      <span class="track"><span class="thumb"></span></span></button><span id="l">Consent</span></form>`;
    const thumb = document.querySelector('.thumb')!;
    expect(controlOf(thumb)).toBe(document.querySelector('[role=switch]'));
  });

  it('goes from the drawing inside a component’s label to the field it is for', () => {
    const host = document.createElement('x-switch');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = `<label part="base"><input type="checkbox" role="switch">
      <span class="control"><span class="thumb"></span></span><slot></slot></label>`;
    expect(controlOf(root.querySelector('.thumb')!)).toBe(root.querySelector('input'));
  });

  it('goes up to a component that wraps a field, through its shadow root', () => {
    const host = document.createElement('x-input');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = '<div class="frame"><span class="prefix">€</span></div><input>';
    expect(controlOf(root.querySelector('.prefix')!)).toBe(host);
  });

  it('keeps the element when no control is around it, or a field is picked directly', () => {
    document.body.innerHTML = '<h2><span class="t">Contact</span></h2><label>Name <input></label>';
    const span = document.querySelector('.t')!;
    expect(controlOf(span)).toBe(span);
    const input = document.querySelector('input')!;
    expect(controlOf(input)).toBe(input);
    const label = document.querySelector('label')!;
    expect(controlOf(label)).toBe(label);
  });
});
