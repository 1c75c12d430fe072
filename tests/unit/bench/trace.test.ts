/**
 * The bench's trace reading (bench/trace.mjs): self time on the renderers' main threads, by
 * bucket, and what of it ran under the extension's scripts.
 */
import { describe, expect, it } from 'vitest';
import { mainThreadTime, type TraceEvent } from '../../../bench/trace.mjs';

const EXT = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const thread = (pid: number, tid: number, name: string): TraceEvent => ({
  ph: 'M',
  name: 'thread_name',
  pid,
  tid,
  args: { name },
});
/** A complete event on the main thread 1:1, times in ms. */
const x = (name: string, ts: number, dur: number, args?: Record<string, unknown>): TraceEvent => ({
  ph: 'X',
  name,
  pid: 1,
  tid: 1,
  ts: ts * 1000,
  dur: dur * 1000,
  ...(args ? { args } : {}),
});

describe('mainThreadTime', () => {
  it('gives each event its own time less its children, in its bucket', () => {
    const t = mainThreadTime([
      thread(1, 1, 'CrRendererMain'),
      x('RunTask', 0, 10),
      x('FunctionCall', 1, 6, { data: { url: 'https://crm.test/app.js' } }),
      x('Layout', 2, 3),
      x('Paint', 8, 1),
    ]);
    expect(t.all.other).toBeCloseTo(3); // RunTask: 10 − 6 − 1
    expect(t.all.script).toBeCloseTo(3); // FunctionCall: 6 − 3
    expect(t.all.layout).toBeCloseTo(3);
    expect(t.all.paint).toBeCloseTo(1);
    // The page's own script: nothing is the extension's.
    expect(Object.values(t.extension).every((ms) => ms === 0)).toBe(true);
  });

  it("counts what runs under an extension script as the extension's, by file", () => {
    const t = mainThreadTime([
      thread(1, 1, 'CrRendererMain'),
      x('EvaluateScript', 0, 8, { data: { url: `${EXT}/overlay.js` } }),
      x('V8.CompileCode', 1, 2),
      x('UpdateLayoutTree', 4, 1),
      x('LocalFrameView::performLayout', 5, 2),
      x('FunctionCall', 10, 4, { data: { url: `${EXT}/kind-tip.js` } }),
      x('Paint', 20, 5),
    ]);
    expect(t.extension.script).toBeCloseTo(3 + 4);
    expect(t.extension.compile).toBeCloseTo(2);
    expect(t.extension.style).toBeCloseTo(1);
    expect(t.extension.layout).toBeCloseTo(2);
    // A paint with no extension script above it is the page's.
    expect(t.extension.paint).toBe(0);
    expect(t.all.paint).toBeCloseTo(5);
    expect(t.files['overlay.js']).toBeCloseTo(8);
    expect(t.files['kind-tip.js']).toBeCloseTo(4);
  });

  it('keeps only the renderers’ main threads', () => {
    const t = mainThreadTime([
      thread(1, 1, 'CrRendererMain'),
      thread(1, 2, 'Compositor'),
      x('Paint', 0, 2),
      { ...x('Paint', 0, 7), tid: 2 },
    ]);
    expect(t.all.paint).toBeCloseTo(2);
  });
});
