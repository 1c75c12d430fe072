import { registerKind } from '@/src/overlay/kinds/slot';
import { walkthroughKind } from '@/src/overlay/kinds/walkthrough';

// The walkthrough kind's chunk: injected by the background into a frame whose aids include a
// walkthrough, when that frame's overlay asks (page.loadChunk); never registered as a content
// script. Runs in the overlay's isolated world.
export default defineUnlistedScript(() => {
  registerKind(walkthroughKind);
});
