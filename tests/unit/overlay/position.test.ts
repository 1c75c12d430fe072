import { describe, expect, it } from 'vitest';
import { placeNext } from '../../../src/overlay/position';

const view = { width: 1280, height: 800 };
const box = (left: number, top: number, width: number, height: number) => ({
  left,
  top,
  width,
  height,
  right: left + width,
  bottom: top + height,
});
const beacon = { width: 20, height: 20 };

describe('placeNext', () => {
  it('puts the element on the preferred side, centred, at the gap', () => {
    const field = box(100, 100, 300, 40);
    expect(placeNext(field, beacon, 'right', 8, view)).toEqual({ x: 408, y: 110 });
    expect(placeNext(field, beacon, 'bottom', 8, view)).toEqual({ x: 240, y: 148 });
    expect(placeNext(field, beacon, 'top', 8, view)).toEqual({ x: 240, y: 72 });
    expect(placeNext(field, beacon, 'left', 8, view)).toEqual({ x: 72, y: 110 });
  });

  it('takes the opposite side when the preferred one has no room', () => {
    const atRightEdge = box(1000, 100, 270, 40);
    expect(placeNext(atRightEdge, beacon, 'right', 8, view)).toEqual({ x: 972, y: 110 });
    const bubble = { width: 280, height: 120 };
    const nearBottom = box(100, 700, 300, 40);
    expect(placeNext(nearBottom, bubble, 'bottom', 6, view).y).toBe(700 - 6 - 120);
  });

  it('keeps the element inside the window when neither side has room', () => {
    const wide = box(0, 300, 1280, 40);
    const at = placeNext(wide, beacon, 'right', 8, view);
    expect(at.x).toBe(1280 - 20 - 8);
    const offScreen = box(-500, -300, 100, 40);
    expect(placeNext(offScreen, beacon, 'bottom', 8, view)).toEqual({ x: 8, y: 8 });
  });
});
