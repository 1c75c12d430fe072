// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AidsView, editLink } from '../../../src/options/authoring/AidsView';
import { fakeDeps, heading, item, mount, settle, textOf } from './helpers';

// The editor is its own part: here only which one the route asks for matters.
vi.mock('../../../src/options/authoring/Editor', () => ({
  Editor: ({ aidKey, isNew }: { aidKey: string | null; isNew: boolean }) => (
    <h2>{isNew ? 'Editor: new aid' : `Editor: ${aidKey}`}</h2>
  ),
}));

const AIDS = [item({ key: 'my-aids/new-contact', title: 'New contact' })];

let root: HTMLElement;

beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

describe('the Aids view routes', () => {
  it('links to an aid’s editor with its key as one segment', () => {
    expect(editLink('my-aids/new-contact')).toBe('#aids/edit/my-aids%2Fnew-contact');
  });

  it('shows the list, the editor for a new or an existing aid, and the URL tester', async () => {
    const deps = fakeDeps({ list: async () => ({ aids: AIDS }) });
    await mount(root, <AidsView route="" deps={deps} />);
    expect(heading(root, 'All aids')).toBeTruthy();

    await mount(root, <AidsView route="new" deps={deps} />);
    expect(heading(root, 'Editor: new aid')).toBeTruthy();
    expect(document.activeElement).toBe(heading(root, 'Editor: new aid'));

    await mount(root, <AidsView route="edit/my-aids%2Fnew-contact" deps={deps} />);
    expect(textOf(root.querySelector('h2'))).toBe('Editor: my-aids/new-contact');

    await mount(root, <AidsView route="edit/%E0%A4%A" deps={deps} />);
    expect(textOf(root.querySelector('h2'))).toBe('Aid not found');

    await mount(root, <AidsView route="test-url" deps={deps} />);
    expect(document.activeElement).toBe(heading(root, 'Test a URL'));
  });

  it('moves focus to the list’s heading on the way back, while the aids still load', async () => {
    let loaded = (_: { aids: typeof AIDS }) => {};
    const deps = fakeDeps({ list: () => new Promise((done) => (loaded = done)) });
    await mount(root, <AidsView route="test-url" deps={deps} />);
    await mount(root, <AidsView route="" deps={deps} />);
    expect(textOf(root)).toContain('Loading the aids…');
    const listHeading = heading(root, 'All aids');
    expect(document.activeElement).toBe(listHeading);

    // The same heading keeps focus when the aids arrive.
    loaded({ aids: AIDS });
    await settle();
    expect(textOf(root)).toContain('New contact');
    expect(document.activeElement).toBe(listHeading);
  });
});
