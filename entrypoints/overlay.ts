import { startOverlay } from '@/src/overlay';
import { overlayContext } from '@/src/overlay/context';

// The overlay's content script. Not in the manifest: the background registers this file
// at run time, only on hosts some aid can match (and the hosts of frames their targets
// name), in every frame, at document_start (src/background/registration.ts).
export default defineUnlistedScript(() => {
  startOverlay(overlayContext());
});
