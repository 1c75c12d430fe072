import { checksKind } from '@/src/overlay/kinds/checks';
import { registerKind } from '@/src/overlay/kinds/slot';

// The field-check kind's chunk: injected by the background into a frame whose aids include
// field checks, when that frame's overlay asks (page.loadChunk); never registered as a
// content script. Runs in the overlay's isolated world.
export default defineUnlistedScript(() => {
  registerKind(checksKind);
});
