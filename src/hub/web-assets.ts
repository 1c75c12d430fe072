/**
 * The hub's page as files in memory: one HTML document, one JS bundle and one CSS file, built
 * from ./web/main.tsx with esbuild's JS API the first time they are asked for (startHub asks
 * when the hub starts), so `npx inflow hub` needs no build step. The bundle and the style
 * sheet have content-hashed names: browsers may keep them for a year, and the HTML, never
 * cached, names the current ones.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WebFile {
  body: Uint8Array;
  type: string;
}

export interface WebAssets {
  html: string;
  /** By path, e.g. '/assets/main-3FZQ2WJX.js'. */
  files: Map<string, WebFile>;
  /** A hash of the HTML, for its ETag. */
  etag: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const ENTRY = resolve(HERE, 'web/main.tsx');
const ROOT = resolve(HERE, '../..');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function typeOf(name: string): string {
  const ext = /\.[a-z0-9]+$/.exec(name)?.[0] ?? '';
  return TYPES[ext] ?? 'application/octet-stream';
}

/** Escapes what would end an attribute value; the names are esbuild's, this is belt and braces. */
const attr = (text: string) => text.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

export function pageHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Inflow hub</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${attr(style)}">
<script type="module" src="${attr(script)}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The hub’s pages need JavaScript.</noscript>
</body>
</html>
`;
}

async function build(): Promise<WebAssets> {
  // Loaded here, not at the top: the API alone (tests, CLI commands) never needs esbuild.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    outdir: 'hub-web',
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const files = new Map<string, WebFile>();
  let script = '';
  let style = '';
  for (const out of result.outputFiles) {
    const path = `/assets/${basename(out.path)}`;
    files.set(path, { body: out.contents, type: typeOf(out.path) });
    if (out.path.endsWith('.js')) script = path;
    if (out.path.endsWith('.css')) style = path;
  }
  if (!script || !style) throw new Error('the hub page bundle has no script or no style sheet');
  const html = pageHtml(script, style);
  const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 22)}"`;
  return { html, files, etag };
}

let building: Promise<WebAssets> | undefined;

/** The page's files, built once per process (again after a failed build). */
export function webAssets(): Promise<WebAssets> {
  if (!building) {
    building = build();
    building.catch(() => {
      building = undefined;
    });
  }
  return building;
}
