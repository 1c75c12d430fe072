/**
 * Drop-off of one checklist: how many runs (or people) reached each step, as bars drawn by
 * uPlot. The chart is hidden from assistive technology: the table next to it holds the same
 * numbers. A step whose count is hidden (null) has no bar.
 */
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface DropOffPoint {
  label: string;
  reached: number | null;
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

export function DropOffChart({
  points,
  runs,
  unit = 'Runs',
}: {
  points: DropOffPoint[];
  runs: number;
  /** What is counted, for the axis: "Runs" (default) or "People". */
  unit?: string;
}) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el || !points.length) return;
    const accent = cssVar(el, '--accent', '#0b6bcb');
    const fg = cssVar(el, '--fg', '#1f2328');
    const line = cssVar(el, '--line', '#d1d9e0');
    const xs = points.map((_, i) => i + 1);
    const top = Math.max(runs, ...points.map((p) => p.reached ?? 0), 1);
    const axis = { stroke: fg, grid: { stroke: line, width: 1 }, ticks: { stroke: line } };
    let plot: uPlot | undefined;
    try {
      plot = new uPlot(
        {
          width: Math.max(280, el.clientWidth || 600),
          height: 220,
          legend: { show: false },
          cursor: { show: false },
          scales: {
            x: { time: false, range: [0.5, points.length + 0.5] },
            y: { range: [0, top] },
          },
          axes: [
            {
              ...axis,
              label: 'Step',
              splits: () => xs,
              values: (_u, splits) => splits.map((v) => String(v)),
            },
            {
              ...axis,
              label: unit,
              values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
            },
          ],
          series: [
            {},
            {
              label: `${unit} that reached the step`,
              stroke: accent,
              fill: accent,
              width: 1,
              points: { show: false },
              paths: uPlot.paths.bars?.({ size: [0.6, 64] }),
            },
          ],
        },
        [xs, points.map((p) => p.reached)],
        el,
      );
    } catch (e) {
      // Without a canvas the table still says it all.
      console.warn('[inflow] drop-off chart not drawn', e);
    }
    // The chart follows the width of the page.
    const resize =
      plot && typeof ResizeObserver !== 'undefined'
        ? new ResizeObserver(() => {
            const width = Math.max(280, el.clientWidth);
            if (plot && width !== plot.width) plot.setSize({ width, height: 220 });
          })
        : undefined;
    resize?.observe(el);
    return () => {
      resize?.disconnect();
      plot?.destroy();
    };
  }, [points, runs, unit]);

  return <div ref={box} class="chart" aria-hidden="true" />;
}
