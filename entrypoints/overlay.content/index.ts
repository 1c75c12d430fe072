import { startOverlay } from '@/src/overlay';

// Registered at run time by the background, only on hosts some aid can match (and the hosts
// of frames their targets name), in every frame (src/background/registration.ts).
export default defineContentScript({
  matches: ['<all_urls>'],
  registration: 'runtime',
  runAt: 'document_start',
  allFrames: true,
  matchOriginAsFallback: true,
  main(ctx) {
    startOverlay(ctx);
  },
});
