/**
 * The box around a wide table: it scrolls sideways on a narrow screen. While it scrolls it is
 * a named region in the tab order, so keyboard users can scroll it too; otherwise it is a
 * plain box (no extra tab stop).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  const box = useRef<HTMLElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const check = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    check();
    const watch = new ResizeObserver(check);
    watch.observe(el);
    return () => watch.disconnect();
  }, []);
  // A <section> with a name is a region; without one (not scrolling) it is a plain box.
  return (
    <section
      ref={box}
      class="table-wrap"
      aria-label={scrolls ? label : undefined}
      // A box that scrolls must be reachable by keyboard to be scrolled (WCAG 2.1.1).
      tabIndex={scrolls ? 0 : undefined}
    >
      {children}
    </section>
  );
}
