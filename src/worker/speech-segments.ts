/**
 * The timestamped segments of chunked speech recognition: each window's segments moved to their
 * times in the whole audio, and kept by the window whose middle (outside its strides) they start in.
 * Pure code, shared by the worker's window loop and the unit tests.
 * @module
 */
import type { SpeechSegment } from '../tasks/automatic-speech-recognition.ts';

/** Where a window sits in the whole audio, in seconds: its start, and the span whose segments it keeps. */
export interface SegmentWindow {
  offset: number;
  keepFrom: number;
  keepTo: number;
}

/**
 * The window of `[from, to)` seconds with strides `left` and `right` (the first window keeps from 0,
 * the last to the end).
 * @example
 * segmentWindow(4, 10, 1, 1, false); // { offset: 4, keepFrom: 5, keepTo: 9 }
 */
export function segmentWindow(from: number, to: number, left: number, right: number, last: boolean): SegmentWindow {
  return { offset: from, keepFrom: from === 0 ? -Infinity : from + left, keepTo: last ? Infinity : to - right };
}

const centiseconds = (seconds: number): number => Math.round(seconds * 100) / 100;

/**
 * The segments of one window (times relative to it) at their times in the whole audio, without those
 * starting in a stride (the neighbouring window keeps them).
 * @example
 * placeSegments([{ text: ' fa', timestamp: [0, 1] }, { text: ' sol', timestamp: [1, 2] }], segmentWindow(4, 10, 1, 1, false));
 * // [{ text: ' sol', timestamp: [5, 6] }]
 */
export function placeSegments(segments: readonly SpeechSegment[], window: SegmentWindow): SpeechSegment[] {
  return segments
    .map(({ text, timestamp: [start, end] }): SpeechSegment => ({
      text,
      timestamp: [centiseconds(start + window.offset), end === null ? null : centiseconds(end + window.offset)],
    }))
    .filter(({ timestamp: [start] }) => start >= window.keepFrom && start < window.keepTo);
}
