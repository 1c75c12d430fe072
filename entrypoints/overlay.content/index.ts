import { startOverlay } from '@/src/overlay';

// Registered at run time by the background, only on hosts some aid can match.
export default defineContentScript({
  matches: ['<all_urls>'],
  registration: 'runtime',
  runAt: 'document_start',
  main(ctx) {
    startOverlay(ctx);
  },
});
