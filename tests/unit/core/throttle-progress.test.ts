import { describe, expect, it } from 'vitest';
import { throttleProgress } from '../../../src/progress.ts';
import type { LoadProgressEvent } from '../../../src/progress.ts';

const download = (file: string, loaded: number, total = 1000): LoadProgressEvent => ({
  phase: 'download',
  model: 'org/m',
  file,
  loaded,
  total,
});

describe('throttleProgress', () => {
  it('passes the first and last event of each file and at most one per 100 ms in between', () => {
    let time = 0;
    const seen: LoadProgressEvent[] = [];
    const emit = throttleProgress(
      (event) => seen.push(event),
      100,
      () => time,
    );
    for (let loaded = 0; loaded <= 1000; loaded += 10) {
      emit(download('a.onnx', loaded));
      time += 7;
    }
    const loadedSeen = seen.map((event) => (event.phase === 'download' ? event.loaded : -1));
    // 101 events over 707 ms: the first, one per ≥100 ms, and the last.
    expect(loadedSeen).toEqual([0, 150, 300, 450, 600, 750, 900, 1000]);
  });

  it('throttles each file and the total separately, never the other phases', () => {
    let time = 0;
    const seen: string[] = [];
    const emit = throttleProgress(
      (event) => seen.push(event.phase === 'download' ? `${event.file}:${event.loaded}` : event.phase),
      100,
      () => time,
    );
    emit({ phase: 'resolve', model: 'org/m', revision: 'main' });
    emit(download('a', 10));
    emit(download('b', 10));
    emit({ phase: 'total', model: 'org/m', loaded: 20, total: 2000, files: 2 });
    time = 50;
    emit(download('a', 20));
    emit(download('b', 20));
    emit({ phase: 'total', model: 'org/m', loaded: 40, total: 2000, files: 2 });
    emit(download('b', 1000));
    time = 99;
    emit(download('a', 30));
    time = 100;
    emit(download('a', 40));
    emit({ phase: 'compile', model: 'org/m', device: 'wasm', dtype: 'q8' });
    emit({ phase: 'compile', model: 'org/m', device: 'wasm', dtype: 'q8' });
    emit({ phase: 'ready', model: 'org/m', device: 'wasm', dtype: 'q8', commit: 'c'.repeat(40), offline: false });
    expect(seen).toEqual(['resolve', 'a:10', 'b:10', 'total', 'b:1000', 'a:40', 'compile', 'compile', 'ready']);
  });

  it('uses a 100 ms interval by default', () => {
    let time = 0;
    const seen: number[] = [];
    const emit = throttleProgress(
      (event) => seen.push(event.phase === 'download' ? event.loaded : -1),
      undefined,
      () => time,
    );
    emit(download('a', 1));
    time = 99;
    emit(download('a', 2));
    time = 100;
    emit(download('a', 3));
    expect(seen).toEqual([1, 3]);
  });

  it('passes the last event held back when the bytes stop (a stalled download), unless a newer one passed', () => {
    let time = 0;
    const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
    const seen: number[] = [];
    const emit = throttleProgress(
      (event) => seen.push(event.phase === 'download' ? event.loaded : -1),
      100,
      () => time,
      (run, ms) => {
        const timer = { at: time + ms, run, cancelled: false };
        timers.push(timer);
        return () => (timer.cancelled = true);
      },
    );
    const advance = (to: number): void => {
      time = to;
      for (const timer of timers.filter((t) => !t.cancelled && t.at <= to)) {
        timer.cancelled = true;
        timer.run();
      }
    };
    emit(download('a', 10));
    advance(30);
    emit(download('a', 20));
    advance(60);
    emit(download('a', 30));
    // The bytes stop here: the held 30 still arrives, at the end of the interval.
    advance(99);
    expect(seen).toEqual([10]);
    advance(100);
    expect(seen).toEqual([10, 30]);
    advance(500);
    expect(seen).toEqual([10, 30]);
    // A newer event that passes cancels the held one: nothing older arrives after it.
    emit(download('a', 40));
    advance(550);
    emit(download('a', 1000));
    advance(700);
    expect(seen).toEqual([10, 30, 40, 1000]);
  });

  it('flush() passes what it holds back at once and leaves no timer behind', () => {
    let time = 0;
    const cancelled: boolean[] = [];
    const seen: number[] = [];
    const emit = throttleProgress(
      (event) => seen.push(event.phase === 'download' ? event.loaded : -1),
      100,
      () => time,
      () => {
        const index = cancelled.push(false) - 1;
        return () => (cancelled[index] = true);
      },
    );
    emit(download('a', 10));
    time = 20;
    emit(download('a', 20));
    emit.flush();
    expect(seen).toEqual([10, 20]);
    expect(cancelled).toEqual([true]);
    emit.flush();
    expect(seen).toEqual([10, 20]);
  });
});
