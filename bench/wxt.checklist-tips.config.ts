// The bench build for the peer comparison's goal, which is set on Inflow doing the peer's job
// and no more: the checklist and the tips. The same build as bench/wxt.config.ts, except that
// the bundled packs lose their field checks (aids of kind "checks"), so the CRM's New contact
// page loads the core, the checklist's chunk and the tips' chunk, and nothing else. Every
// other file of the extension is the same code.
import type { Plugin, UserConfig } from 'vite';
import bench from './wxt.config';

const DROPPED_KINDS = new Set(['checks']);

function withoutFieldChecks(): Plugin {
  return {
    name: 'inflow-bench:without-field-checks',
    // Before Vite's own JSON plugin turns the file into a module.
    enforce: 'pre',
    transform(code, id) {
      if (!/\/aids\/[^/]+\/pack\.json(\?.*)?$/.test(id)) return null;
      const pack = JSON.parse(code);
      pack.aids = pack.aids.filter((aid: { kind: string }) => !DROPPED_KINDS.has(aid.kind));
      return { code: JSON.stringify(pack), map: null };
    },
  };
}

export default {
  ...bench,
  outDir: 'artifacts/bench/build-checklist-tips',
  vite: (env: Parameters<NonNullable<typeof bench.vite>>[0]) => {
    const base = (bench.vite?.(env) ?? {}) as UserConfig;
    return { ...base, plugins: [...(base.plugins ?? []), withoutFieldChecks()] };
  },
};
