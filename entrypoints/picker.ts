import { installPicker } from '@/src/picker/picker';

// Injected into an app's tab by the options page when an author picks or checks a target;
// never registered as a content script, so pages do not load it otherwise.
export default defineUnlistedScript(() => {
  installPicker();
});
