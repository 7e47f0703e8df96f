import { describe, expect, it } from 'vitest';
import { StopText, finalLength, findStop } from '../../../src/worker/stop-sequences.ts';

/** Feeds growing texts and returns the pieces sent, the stop flag and the output. */
function follow(stops: string[], texts: string[]): { pieces: string[]; stopped: boolean; output: string } {
  const tracker = new StopText(stops);
  const pieces: string[] = [];
  let stopped = false;
  for (const text of texts) {
    const update = tracker.update(text);
    if (update.piece) pieces.push(update.piece);
    stopped = update.stopped;
    if (stopped) break;
  }
  const rest = tracker.finish(texts.at(-1) ?? '');
  if (rest) pieces.push(rest);
  return { pieces, stopped, output: tracker.output ?? '' };
}

describe('stop sequences', () => {
  it('finds the earliest stop sequence', () => {
    expect(findStop('one two three', [' three', 'two'])).toBe(4);
    expect(findStop('one', ['two'])).toBe(-1);
  });

  it('holds back a tail that could become a stop sequence, and an incomplete character', () => {
    expect(finalLength('one tw', [' two'])).toBe(3);
    expect(finalLength('one t', [' two', 'ne t!'])).toBe(1);
    expect(finalLength('one', [' two'])).toBe(3);
    expect(finalLength('caf\uFFFD', [])).toBe(3);
  });

  it('stops at a stop sequence split across tokens, and never sends text it takes back', () => {
    const { pieces, stopped, output } = follow([' three'], ['one', 'one two', 'one two th', 'one two three', 'one two three four']);
    expect(stopped).toBe(true);
    expect(output).toBe('one two');
    expect(pieces.join('')).toBe('one two');
    expect(pieces).not.toContain(' th');
  });

  it('sends the held-back tail when generation ends without a stop', () => {
    const { pieces, stopped, output } = follow([' three'], ['one', 'one two', 'one two th']);
    expect(stopped).toBe(false);
    expect(output).toBe('one two th');
    expect(pieces.join('')).toBe('one two th');
  });

  it('cuts text that ends after the stop within the same token', () => {
    expect(follow(['\n'], ['Hi', 'Hi there\nBye']).output).toBe('Hi there');
  });
});
