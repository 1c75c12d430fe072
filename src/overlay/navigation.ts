/**
 * Tells the overlay when the page's URL changes, without polling: the Navigation API where
 * the browser has it (it sees pushState in single-page apps), otherwise popstate and
 * hashchange plus a cheap URL comparison on each DOM batch (see `check`).
 */

export interface UrlWatcher {
  /** Compare the current URL with the last one seen; call on DOM batches. */
  check(): void;
}

export function watchUrl(signal: AbortSignal, onChange: (url: string) => void): UrlWatcher {
  let last = location.href;
  const check = () => {
    if (signal.aborted || location.href === last) return;
    last = location.href;
    onChange(last);
  };
  const nav = (globalThis as { navigation?: EventTarget }).navigation;
  if (nav && typeof nav.addEventListener === 'function') {
    // "navigate" fires before the URL commits (pushState included): look right after it.
    nav.addEventListener('navigate', () => setTimeout(check, 0), { signal });
    nav.addEventListener('navigatesuccess', check, { signal });
  }
  window.addEventListener('popstate', check, { signal });
  window.addEventListener('hashchange', check, { signal });
  return { check };
}
