import { registerKind } from '@/src/overlay/kinds/slot';
import { tipKind } from '@/src/overlay/kinds/tip';

// The tip kind's chunk: injected by the background into a frame whose aids include a tip,
// when that frame's overlay asks (page.loadChunk); never registered as a content script.
// Runs in the overlay's isolated world.
export default defineUnlistedScript(() => {
  registerKind(tipKind);
});
