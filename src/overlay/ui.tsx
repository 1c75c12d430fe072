/**
 * Renders all controllers' views into the overlay host: checklists in one panel (kept on the
 * side away from the field in use), tips and highlights in the floating layer, and one polite
 * live region. The host is created on first use and removed when nothing is shown.
 */
import { render } from 'preact';
import { createHost, type OverlayHost } from './host';
import type { AidController } from './kinds/types';

export interface Ui {
  render(controllers: AidController[], announcement: string): void;
  /** Moves the panel to the other side if it covers `el`. */
  avoid(el: Element | null): void;
  /** Shows a short-lived note (e.g. a checklist finished as the page moved on). */
  notice(text: string): void;
  /** Puts the panel on the side where it covers fewest controls, counting `targets` most. */
  arrange(targets: Element[]): void;
  host(): HTMLElement | null;
  clear(): void;
}

function Overlay({
  controllers,
  announcement,
  side,
  notice,
  floats,
}: {
  controllers: AidController[];
  announcement: string;
  side: 'left' | 'right';
  notice: string | null;
  floats: boolean;
}) {
  const views = controllers.map((c) => c.views());
  const panel = views.map((v) => v.panel).filter(Boolean);
  return (
    <>
      {floats && views.map((v) => v.float)}
      {panel.length > 0 && (
        <aside class={`panel side-${side}`} aria-label="Inflow">
          <div class="panel-brand" aria-hidden="true">
            Inflow
          </div>
          {panel}
        </aside>
      )}
      {notice && (
        <div class={`toast side-${side}`} aria-hidden="true">
          {notice}
        </div>
      )}
      <div class="sr-only" role="status" aria-live="polite">
        {notice ?? announcement}
      </div>
    </>
  );
}

/** What a person may need to reach under the panel. */
const CONTROLS =
  'input:not([type=hidden]),select,textarea,button,a[href],[role=button],[contenteditable=true]';

const NOTICE_MS = 6000;

/** An element the panel should not cover, and how much covering it matters. */
type Weighted = [Element, number];

export function createUi(): Ui {
  let host: OverlayHost | null = null;
  let side: 'left' | 'right' = 'right';
  let last: { controllers: AidController[]; announcement: string } | null = null;
  let notice: string | null = null;
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;

  // Tips are positioned against the page's layout; drawing them a frame after the panel
  // lets the first aid appear without waiting for that layout work.
  let floats = false;
  let floatsFrame = 0;

  const draw = () => {
    if (!last && !notice) return;
    host ??= createHost();
    const view = last ?? { controllers: [], announcement: '' };
    render(<Overlay {...view} side={side} notice={notice} floats={floats} />, host.container);
    if (!floats && !floatsFrame) {
      floatsFrame = requestAnimationFrame(() => {
        floats = true;
        draw();
      });
    }
  };
  /** Moves the panel to the other side when that covers less of what `items` weigh. */
  const place = (items: Weighted[]) => {
    const panel = host?.container.querySelector('.panel');
    if (!panel) return;
    const p = panel.getBoundingClientRect();
    const cost = (left: number) => {
      let n = 0;
      for (const [el, weight] of items) {
        const r = el.getBoundingClientRect();
        const hit =
          r.width > 0 &&
          r.left < left + p.width &&
          r.right > left &&
          r.top < p.bottom &&
          r.bottom > p.top;
        if (hit) n += weight;
      }
      return n;
    };
    if (cost(window.innerWidth - p.right) < cost(p.left)) {
      side = side === 'right' ? 'left' : 'right';
      draw();
    }
  };
  const removeHost = () => {
    cancelAnimationFrame(floatsFrame);
    floatsFrame = 0;
    floats = false;
    if (!host) return;
    render(null, host.container);
    host.remove();
    host = null;
  };

  return {
    render(controllers, announcement) {
      last = { controllers, announcement };
      draw();
    },
    avoid(el) {
      if (el && host?.element !== el) place([[el, 1]]);
    },
    arrange(targets) {
      // Every control under the panel counts; the aids' own targets count more.
      const controls = Array.from(document.querySelectorAll(CONTROLS), (el): Weighted => [el, 1]);
      place([...controls, ...targets.map((el): Weighted => [el, 3])]);
    },
    notice(text) {
      notice = text;
      clearTimeout(noticeTimer);
      noticeTimer = setTimeout(() => {
        notice = null;
        if (last) draw();
        else removeHost();
      }, NOTICE_MS);
      draw();
    },
    host: () => host?.element ?? null,
    clear() {
      last = null;
      if (notice) draw();
      else removeHost();
    },
  };
}
