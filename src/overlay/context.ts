/**
 * The overlay's lifetime. A newer copy of the overlay in the same document (injected after
 * the extension was updated or reloaded, whose old copy can no longer reach the background)
 * says so with an event on the document, which both copies share across their isolated
 * worlds: the older copy then stops, its listeners and its element removed.
 */
export interface OverlayContext {
  /** Aborted when this copy must stop. */
  signal: AbortSignal;
}

const STARTED = 'inflow-overlay-started';

export function overlayContext(): OverlayContext {
  const stop = new AbortController();
  document.dispatchEvent(new Event(STARTED));
  document.addEventListener(STARTED, () => stop.abort(), { signal: stop.signal });
  return { signal: stop.signal };
}
