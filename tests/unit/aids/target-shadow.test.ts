// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { findShadowRoots, type ShadowRootReader } from '../../../src/aids/composed';
import { resolveTarget } from '../../../src/aids/target';

/** Attaches a shadow root to `host` holding `html`; returns the root. */
function shadow(host: Element, html: string, mode: ShadowRootMode = 'open'): ShadowRoot {
  const root = host.attachShadow({ mode });
  root.innerHTML = html;
  return root;
}

describe('resolveTarget in the composed tree', () => {
  beforeEach(() => {
    document.body.innerHTML = '<main><x-card id="card"></x-card><p>Outside</p></main>';
  });

  it('finds a field in an open shadow root by css, attrs and label without `within`', () => {
    const root = shadow(
      document.getElementById('card')!,
      '<label for="f">Email *</label><input id="f" name="email">',
    );
    const field = root.getElementById('f');
    for (const target of [{ css: 'input[name=email]' }, { attrs: { name: 'email' } }]) {
      expect(resolveTarget(target).element).toBe(field);
    }
    const r = resolveTarget({ label: 'email' });
    expect(r.element).toBe(field);
    expect(r.foundBy).toBe('label');
    expect(r.ambiguous).toBe(false);
  });

  it('finds by role and name, and by text, two shadow roots deep', () => {
    const outer = shadow(document.getElementById('card')!, '<x-inner id="in"></x-inner>');
    const inner = shadow(
      outer.getElementById('in')!,
      '<button id="save">Save case</button><span id="note">Refund pending</span>',
    );
    expect(resolveTarget({ role: 'button', name: 'save case' }).element).toBe(
      inner.getElementById('save'),
    );
    expect(resolveTarget({ text: 'refund pending' }).element).toBe(inner.getElementById('note'));
  });

  it('reads closed roots through the injected reader, and not without it', () => {
    const host = document.getElementById('card')!;
    const closed = shadow(host, '<input aria-label="Case id" id="cid">', 'closed');
    expect(host.shadowRoot).toBeNull();
    expect(resolveTarget({ label: 'Case id' }).element).toBeNull();
    const read: ShadowRootReader = (el) => (el === host ? closed : el.shadowRoot);
    const r = resolveTarget({ label: 'Case id' }, document, { shadowRootOf: read });
    expect(r.element).toBe(closed.getElementById('cid'));
  });

  it('resolves aria-labelledby against the element’s own root', () => {
    const root = shadow(
      document.getElementById('card')!,
      '<span id="lbl">Postcode:</span><div role="textbox" id="pc" aria-labelledby="lbl"></div>',
    );
    // The same id in the document must not label the field.
    document.body.insertAdjacentHTML('beforeend', '<span id="lbl">Wrong</span>');
    const r = resolveTarget({ label: 'Postcode' });
    expect(r.element).toBe(root.getElementById('pc'));
    expect(resolveTarget({ label: 'Wrong' }).element).toBeNull();
  });

  it('resolves a target on a component and one on its inner field', () => {
    document.body.innerHTML = '<form><sl-input name="email" label="Email"></sl-input></form>';
    const host = document.querySelector('sl-input')!;
    const root = shadow(host, '<label for="input">Email</label><input id="input" type="email">');
    const inner = root.getElementById('input');

    const onHost = resolveTarget({ css: 'sl-input[name=email]', label: 'Email' });
    expect(onHost.element).toBe(host);
    expect(onHost.failed).toEqual([]);
    // The host stands for its field's role too: nothing "no longer matches".
    expect(resolveTarget({ css: 'sl-input[name=email]', role: 'textbox' }).failed).toEqual([]);

    const onInner = resolveTarget({ css: 'input[type=email]', label: 'Email' });
    expect(onInner.element).toBe(inner);
    expect(onInner.failed).toEqual([]);

    // By label alone the component and its own field are one thing, not a tie.
    const byLabel = resolveTarget({ label: 'Email' });
    expect(byLabel.element).toBe(host);
    expect(byLabel.ambiguous).toBe(false);
  });

  it('counts ties across the composed tree', () => {
    shadow(document.getElementById('card')!, '<button>Next</button>');
    document.body.insertAdjacentHTML('beforeend', '<button>Next</button>');
    const r = resolveTarget({ role: 'button', name: 'Next' });
    expect(r.element).not.toBeNull();
    expect(r.ambiguous).toBe(true);
  });

  it('keeps `within` working at any depth, and uses the known roots it is given', () => {
    const outer = shadow(document.getElementById('card')!, '<x-panel id="p"></x-panel>');
    const panel = outer.getElementById('p')!;
    const inner = shadow(panel, '<button id="go">Go</button>');
    document.body.insertAdjacentHTML('beforeend', '<button>Go</button>');
    expect(resolveTarget({ within: '#p', text: 'Go' }).element).toBe(inner.getElementById('go'));

    const roots = findShadowRoots(document);
    expect(roots).toEqual([outer, inner]);
    // With the known roots given, no walk: a root left out of the list is not searched.
    const r = resolveTarget({ role: 'button', name: 'Go' }, document, { roots: [outer] });
    expect(r.element?.getRootNode()).toBe(document);
    expect(r.ambiguous).toBe(false);
  });

  it('ignores the frame signal', () => {
    document.body.insertAdjacentHTML('beforeend', '<input name="q">');
    const r = resolveTarget({ attrs: { name: 'q' }, frame: { css: 'iframe' } });
    expect(r.element?.getAttribute('name')).toBe('q');
    expect(r.failed).toEqual([]);
  });
});
