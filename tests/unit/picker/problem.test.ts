// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { captureTarget } from '../../../src/picker/capture';

// finder out of budget on a big page: no selector at all.
vi.mock('@medv/finder', () => ({
  finder: () => {
    throw new Error('Selector was not found.');
  },
}));

describe('a capture that no stable description can make', () => {
  it('says so, in words, when the element has nothing to tell it apart', () => {
    document.body.innerHTML = '<div><span></span></div><div><span></span></div>';
    const { target, problem } = captureTarget(document.querySelectorAll('span')[1]!);
    expect(target).toEqual({ css: 'span' });
    expect(problem).toBe(
      'No stable description finds only this element: it has no label, name or stable ' +
        'attribute. Give it a label or a data-testid in the app, or pick the element around it.',
    );
  });

  it('says so when another element shares everything it has', () => {
    document.body.innerHTML = `
      <button type="button" data-action="more">More</button>
      <button type="button" data-action="more">More</button>`;
    const { problem } = captureTarget(document.querySelectorAll('button')[1]!);
    expect(problem).toBe(
      'No stable description finds only this element: other elements have the same label, ' +
        'name and attributes. Add an area under “Within” that holds only this one.',
    );
  });

  it('says nothing when the element has a label of its own', () => {
    document.body.innerHTML =
      '<label>Email <input type="email"></label><label>Phone <input type="tel"></label>';
    const { problem, target } = captureTarget(document.querySelectorAll('input')[1]!);
    expect(problem).toBeUndefined();
    expect(target).toMatchObject({ role: 'textbox', label: 'Phone' });
  });
});
