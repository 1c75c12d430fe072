import { helpPanel } from '@/src/overlay/help/panel';
import { registerHelp } from '@/src/overlay/kinds/slot';

// The help panel's chunk: injected by the background into a top frame when the person opens
// the help panel there (page.loadChunk); never registered as a content script. Runs in the
// overlay's isolated world.
export default defineUnlistedScript(() => {
  registerHelp(helpPanel);
});
