import { checklistKind } from '@/src/overlay/kinds/checklist';
import { registerKind } from '@/src/overlay/kinds/slot';

// The checklist kind's chunk: injected by the background into a frame whose aids include a
// checklist (or steps of one addressed to it), when that frame's overlay asks
// (page.loadChunk); never registered as a content script. Runs in the overlay's isolated world.
export default defineUnlistedScript(() => {
  registerKind(checklistKind);
});
