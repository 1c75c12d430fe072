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

  it('shifts along the side to stay in the window, never across the element', () => {
    const tall = { width: 20, height: 20 };
    const nearTop = box(300, 0, 100, 10);
    expect(placeNext(nearTop, tall, 'right', 8, view)).toEqual({ x: 408, y: 8 });
    // A frame too short for a bubble above or below its beacon: the roomier side, uncovered.
    const bubble = { width: 280, height: 120 };
    const small = { width: 600, height: 150 };
    const beaconBox = box(500, 60, 20, 20);
    const at = placeNext(beaconBox, bubble, 'bottom', 6, small);
    expect(at.y).toBe(86);
    expect(at.x).toBe(600 - 280 - 8);
  });
});
