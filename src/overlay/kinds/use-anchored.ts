/** A floating element kept next to its reference as the page scrolls and resizes (../position.ts). */
import { useLayoutEffect, useRef } from 'preact/hooks';
import { anchor, type Side } from '../position';

/** A ref for the floating element, anchored to `reference` while both are rendered. */
export function useAnchored<T extends HTMLElement = HTMLElement>(
  reference: Element | null,
  side: Side,
  gap: number,
) {
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    const floating = ref.current;
    if (!reference || !floating) return;
    return anchor(reference, floating, side, gap);
  }, [reference, side, gap]);
  return ref;
}
