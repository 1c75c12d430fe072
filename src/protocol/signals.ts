/**
 * Signals from the background to open extension pages, through storage.onChanged (pages
 * need not be open, and nothing waits for an answer).
 */

/** storage.local key the background sets to the time after each sync run. */
export const SYNC_DONE_KEY = 'syncDoneAt';
