import { describe, expect, it } from 'vitest';
import { placeSegments, segmentWindow } from '../../../src/worker/speech-segments.ts';

const relative = [
  { text: ' fa', timestamp: [0, 1] as [number, number] },
  { text: ' sol', timestamp: [1, 2] as [number, number] },
  { text: ' mi', timestamp: [4.5, 5.02] as [number, number] },
  { text: ' ti', timestamp: [5, null] as [number, null] },
];

describe('segmentWindow', () => {
  it('keeps from 0 in the first window and to the end in the last', () => {
    expect(segmentWindow(0, 6, 0, 1, false)).toEqual({ offset: 0, keepFrom: -Infinity, keepTo: 5 });
    expect(segmentWindow(4, 10, 1, 1, false)).toEqual({ offset: 4, keepFrom: 5, keepTo: 9 });
    expect(segmentWindow(8, 14, 1, 0, true)).toEqual({ offset: 8, keepFrom: 9, keepTo: Infinity });
  });
});

describe('placeSegments', () => {
  it('moves segments by the window offset and drops those starting in a stride', () => {
    expect(placeSegments(relative, segmentWindow(4, 10, 1, 1, false))).toEqual([
      { text: ' sol', timestamp: [5, 6] },
      { text: ' mi', timestamp: [8.5, 9.02] },
    ]);
  });

  it('keeps every segment of a single window, an open end included, rounded to 10 ms', () => {
    const placed = placeSegments(relative, segmentWindow(0, 6, 0, 0, true));
    expect(placed.map((s) => s.timestamp)).toEqual([
      [0, 1],
      [1, 2],
      [4.5, 5.02],
      [5, null],
    ]);
    expect(placeSegments([{ text: ' x', timestamp: [0.1, 0.2] }], { offset: 0.2, keepFrom: 0, keepTo: 1 })).toEqual([
      { text: ' x', timestamp: [0.3, 0.4] },
    ]);
  });
});
