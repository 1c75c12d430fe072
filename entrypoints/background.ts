import { defineBackground } from 'wxt/utils/define-background';
import { startBackground } from '../src/background';

// A thin shell: WXT imports entry points in Node at build time, so nothing runs at top level.
export default defineBackground(() => startBackground());
