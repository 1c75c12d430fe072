// @vitest-environment happy-dom
/**
 * What a lookup pass costs on a page with about 50 shadow roots, with the session's known
 * root list and without it. Prints figures (happy-dom, so only the ratios mean much); asserts
 * only what each lookup finds, never a time.
 */
import { describe, expect, it } from 'vitest';
import { findShadowRoots } from '../../../src/aids/composed';
import type { Target } from '../../../src/aids/schema';
import { resolveTarget } from '../../../src/aids/target';

const COMPONENTS = 50;

function build(withShadow: boolean): void {
  const rows: string[] = [];
  for (let i = 0; i < 400; i++)
    rows.push(`<tr><td>Row ${i}</td><td><a href="#">Open</a></td></tr>`);
  document.body.innerHTML = `<main><table>${rows.join('')}</table><form id="f"></form></main>`;
  const form = document.getElementById('f')!;
  for (let i = 0; i < COMPONENTS; i++) {
    const host = document.createElement(withShadow ? 'x-field' : 'div');
    host.setAttribute('name', `field-${i}`);
    form.append(host);
    const html = `<label for="in">Field ${i}</label><input id="in" name="f${i}"><span>Help ${i}</span>`;
    if (withShadow) host.attachShadow({ mode: 'open' }).innerHTML = html;
    else
      host.innerHTML = html.replace('id="in"', `id="in${i}"`).replace('for="in"', `for="in${i}"`);
  }
}

/** A pass like a checklist's: a handful of targets, cheap and scanned signals mixed. */
const TARGETS: Target[] = [
  { css: 'input[name=f7]', label: 'Field 7' },
  { label: 'Field 42' },
  { role: 'textbox', name: 'Field 12' },
  { css: '#gone', label: 'Field 30' }, // a healed selector: scans by the other signals
  { text: 'Help 49' },
];

function timePass(roots?: ShadowRoot[]): number {
  const runs = 20;
  const t0 = performance.now();
  for (let r = 0; r < runs; r++) {
    for (const t of TARGETS) resolveTarget(t, document, roots ? { roots } : {});
  }
  return (performance.now() - t0) / runs;
}

describe('cost of a lookup pass', () => {
  it('prints what a pass of 5 lookups costs with ~50 shadow roots, and without any', () => {
    build(true);
    const elements = document.querySelectorAll('*').length;
    const t0 = performance.now();
    const roots = findShadowRoots(document);
    const walk = performance.now() - t0;
    expect(roots).toHaveLength(COMPONENTS);
    for (const t of TARGETS) expect(resolveTarget(t, document, { roots }).element).not.toBeNull();
    const withList = timePass(roots);
    const walking = timePass();

    build(false);
    const flat = timePass([]);
    for (const t of TARGETS)
      expect(resolveTarget(t, document, { roots: [] }).element).not.toBeNull();

    console.log(
      [
        `page: ${elements} light-DOM elements, ${COMPONENTS} shadow roots (3 elements each)`,
        `one walk to find the roots: ${walk.toFixed(2)} ms`,
        `pass of ${TARGETS.length} lookups with the known roots: ${withList.toFixed(2)} ms`,
        `same pass walking the page on each lookup: ${walking.toFixed(2)} ms`,
        `same page without shadow roots (empty root list): ${flat.toFixed(2)} ms`,
      ].join('\n'),
    );
  });
});
