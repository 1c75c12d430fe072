import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// WxtVitest() brings WXT's aliases, auto-imports and a fake `browser`, but not the vite()
// plugins of wxt.config.ts: preact() is added here again for JSX.
export default defineConfig({
  plugins: [WxtVitest(), preact()],
  test: {
    environment: 'node',
    include: ['tests/unit/**/*.test.{ts,tsx}'],
    setupFiles: ['tests/unit/setup.ts'],
  },
});
