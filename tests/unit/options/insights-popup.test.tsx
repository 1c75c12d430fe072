// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { Popup, type PopupDeps } from '../../../src/popup/Popup';

const roots: HTMLElement[] = [];

async function mount(count: number): Promise<HTMLElement> {
  const deps: PopupDeps = {
    activeTab: async () => ({ id: 1, url: 'https://crm.example.com/contacts/new' }),
    overlayStatus: async () => [],
    isPaused: async () => false,
    setPaused: async () => {},
    attentionCount: async () => count,
  };
  const root = document.createElement('div');
  roots.push(root);
  document.body.append(root);
  await act(() => render(<Popup deps={deps} />, root));
  await act(() => new Promise((r) => setTimeout(r, 0)));
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) {
    render(null, root);
    root.remove();
  }
});

describe('the popup’s count of aids needing attention', () => {
  it('links to the Health view of the options page', async () => {
    const view = await mount(2);
    const link = view.querySelector('.attention a')!;
    expect(link.textContent).toBe('2 aids need attention');
    expect(link.getAttribute('href')).toBe('/options.html#health');
    expect((await mount(1)).querySelector('.attention a')!.textContent).toBe(
      '1 aid needs attention',
    );
  });

  it('is hidden when no aid needs attention', async () => {
    const view = await mount(0);
    expect(view.querySelector('h1')?.textContent).toBe('Inflow');
    expect(view.querySelector('.attention')).toBeNull();
  });
});
