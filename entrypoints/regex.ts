import { testPattern } from '@/src/aids/regex';
import { installRegexEngine } from '@/src/aids/regex-slot';

// Injected by the background into one frame whose aids have a `matches` rule, when that
// frame's overlay asks (page.loadRegex); never registered as a content script, so pages
// without such rules never load it. Runs in the overlay's isolated world.
export default defineUnlistedScript(() => {
  installRegexEngine({ test: testPattern });
});
