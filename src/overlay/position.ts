/**
 * Keeps a floating element (a tip's beacon or bubble, `position: fixed` in the overlay) next
 * to an element of the page while the page scrolls, resizes or reflows.
 *
 * Why not a positioning library: every page with aids downloads the overlay, and the one
 * used before (Floating UI) was a fifth of it. Tips need only this: a preferred side, a gap,
 * the opposite side when the preferred one has no room, and a shift that keeps the element
 * inside the window.
 */

export type Side = 'top' | 'right' | 'bottom' | 'left';

/** Room kept between a floating element and the window's edges, in CSS pixels. */
const PADDING = 8;

const OPPOSITE: Record<Side, Side> = { top: 'bottom', bottom: 'top', left: 'right', right: 'left' };

interface Size {
  width: number;
  height: number;
}

interface Box {
  top: number;
  left: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}

/** Where `floating` goes on `side` of `ref`, centred on it along the other axis. */
function onSide(ref: Box, floating: Size, side: Side, gap: number): { x: number; y: number } {
  switch (side) {
    case 'top':
      return { x: ref.left + (ref.width - floating.width) / 2, y: ref.top - gap - floating.height };
    case 'bottom':
      return { x: ref.left + (ref.width - floating.width) / 2, y: ref.bottom + gap };
    case 'left':
      return {
        x: ref.left - gap - floating.width,
        y: ref.top + (ref.height - floating.height) / 2,
      };
    case 'right':
      return { x: ref.right + gap, y: ref.top + (ref.height - floating.height) / 2 };
  }
}

/** True if the floating element fits in the window at (x, y) along the side's own axis. */
function fits(side: Side, { x, y }: { x: number; y: number }, f: Size, view: Size): boolean {
  if (side === 'top' || side === 'bottom')
    return y >= PADDING && y + f.height <= view.height - PADDING;
  return x >= PADDING && x + f.width <= view.width - PADDING;
}

const clamp = (v: number, min: number, max: number) => Math.max(min, Math.min(v, max));

/** Room on `side` of `ref` in the window. */
function room(ref: Box, side: Side, view: Size): number {
  switch (side) {
    case 'top':
      return ref.top;
    case 'bottom':
      return view.height - ref.bottom;
    case 'left':
      return ref.left;
    case 'right':
      return view.width - ref.right;
  }
}

/**
 * The top-left corner (viewport coordinates) for a floating element of size `floating` on
 * `side` of `ref`, `gap` pixels away: the opposite side when the preferred one has no room
 * and the opposite has (or, when neither has, when the opposite has more), then shifted along
 * the side to stay inside the window. It is never moved across `ref`: a bubble that covered
 * its own beacon would take the pointer from it.
 */
export function placeNext(ref: Box, floating: Size, side: Side, gap: number, view: Size) {
  let chosen = side;
  if (!fits(side, onSide(ref, floating, side, gap), floating, view)) {
    const other = OPPOSITE[side];
    const otherFits = fits(other, onSide(ref, floating, other, gap), floating, view);
    if (otherFits || room(ref, other, view) > room(ref, side, view)) chosen = other;
  }
  const at = onSide(ref, floating, chosen, gap);
  if (chosen === 'top' || chosen === 'bottom') {
    at.x = clamp(at.x, PADDING, Math.max(PADDING, view.width - floating.width - PADDING));
  } else {
    at.y = clamp(at.y, PADDING, Math.max(PADDING, view.height - floating.height - PADDING));
  }
  return at;
}

/**
 * Positions `floating` next to `reference` now and whenever the page scrolls (any scrolling
 * element: scroll events are caught on their way down), the window resizes or zooms, or
 * either element or the page's body changes size. Updates are coalesced to one per frame.
 * Returns the teardown.
 */
export function anchor(reference: Element, floating: HTMLElement, side: Side, gap: number) {
  let frame = 0;
  const update = () => {
    frame = 0;
    if (!reference.isConnected) return;
    const { x, y } = placeNext(
      reference.getBoundingClientRect(),
      floating.getBoundingClientRect(),
      side,
      gap,
      { width: document.documentElement.clientWidth, height: window.innerHeight },
    );
    floating.style.left = `${Math.round(x)}px`;
    floating.style.top = `${Math.round(y)}px`;
  };
  const soon = () => {
    frame ||= requestAnimationFrame(update);
  };
  const stop = new AbortController();
  const opts = { capture: true, passive: true, signal: stop.signal };
  window.addEventListener('scroll', soon, opts);
  window.addEventListener('resize', soon, opts);
  window.visualViewport?.addEventListener('resize', soon, opts);
  const sizes = new ResizeObserver(soon);
  sizes.observe(reference);
  sizes.observe(floating);
  if (document.body) sizes.observe(document.body);
  update();
  return () => {
    stop.abort();
    sizes.disconnect();
    cancelAnimationFrame(frame);
  };
}
