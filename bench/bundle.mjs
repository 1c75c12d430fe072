/**
 * A bench harness in TypeScript, bundled with esbuild into one script for a Chromium page: the
 * background's own modules run there against a real IndexedDB.
 */
export async function bundleForPage(entry, what) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (e) {
    throw new Error(`esbuild is not available to bundle the ${what}: ${e.message}`);
  }
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    minify: true,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}
