import { registerTouchpoints } from '@/src/overlay/kinds/slot';
import { createTouchpointMeter } from '@/src/overlay/touchpoints';

// The touchpoint meter's chunk: injected by the background into a top frame whose lookup
// says its time is measured (page.loadChunk); never registered as a content script. Runs in
// the overlay's isolated world.
export default defineUnlistedScript(() => {
  registerTouchpoints(createTouchpointMeter);
});
