/** Which origin a request reached: the Hub API/resolve origin or the CDN serving LFS bytes. */
export type HubOrigin = 'hub' | 'cdn';

/**
 * A fault to inject into matching responses.
 *
 * Matching: `origin` (default `'any'`), `repo` (exact public repo id), `file` (a string matches the exact
 * repo path or a path ending in `/{file}`; a RegExp is tested against the path). A rule without `file`
 * matches every request of its origin/repo, including API calls.
 *
 * A rule *fires* (and decrements `times`) on a matching request when it has `status` or `latencyMs`, or
 * when the response streams file bytes (GET 200/206 with a non-empty body): a rule with only body knobs
 * (`cutAfterBytes`, `endAfterBytes`, `corruptAt`, `bytesPerSecond`) skips the Hub's 302 to the CDN, HEAD requests and errors,
 * so `{ file: 'model.onnx', cutAfterBytes: 1000, times: 1 }` cuts the next actual download.
 * When several rules fire together their effects combine (latencies add up, the smallest cut and
 * throttle win, corrupt offsets are merged, the first `status` wins).
 *
 * @example
 * server.faults.add({ origin: 'cdn', file: 'onnx/model.onnx', cutAfterBytes: 4096, times: 1 });
 */
export interface FaultRule {
  origin?: HubOrigin | 'any';
  repo?: string;
  file?: string | RegExp;
  /** How many times the rule fires before it is removed (default Infinity). */
  times?: number;
  /** Destroy the socket after writing this many body bytes (only when the body is longer). */
  cutAfterBytes?: number;
  /**
   * End the body normally after this many bytes (only when the body is longer): the response is
   * sent with `Connection: close` and its full `Content-Length`, and the server closes the
   * connection cleanly (FIN, no reset) short of that length. The client sees a clean end or a
   * length mismatch, never a reset.
   */
  endAfterBytes?: number;
  /** Wait this long before answering. */
  latencyMs?: number;
  /** Absolute file offsets whose byte is flipped (XOR 0xff) when sent; ranges are honoured. */
  corruptAt?: number[];
  /** Answer with this status and an HTML error page (like a proxy) instead of the real response. */
  status?: number;
  /** Throttle the body to this rate. */
  bytesPerSecond?: number;
  /** With `status`: the `Retry-After` header of the error page (seconds, or an HTTP date). */
  retryAfter?: string;
  /** Send the headers and this many body bytes, then nothing more until the client goes away (any body, JSON included). */
  stallAfterBytes?: number;
  /** Answer 302 to this location instead: `'loop'` redirects to the request's own URL; otherwise any URL (`data:,x`, `file:///…`). */
  redirect?: string;
  /**
   * Send this many body bytes of a file, then pause until the rule is removed (`remove()` or
   * `DELETE /__inpage/faults/{id}`, which works after the rule fired out too), then send the rest:
   * a download held at a known point for as long as a test needs.
   */
  holdAfterBytes?: number;
}

/** A live fault rule. */
export interface FaultHandle {
  readonly id: number;
  readonly rule: Readonly<FaultRule>;
  /** How many more times it will fire (Infinity when unbounded; 0 once exhausted or removed). */
  readonly remaining: number;
  /** How many times it fired. */
  readonly fired: number;
  /** Removes the rule (idempotent). */
  remove(): void;
}

/** The fault registry of a server. */
export interface FaultControls {
  /**
   * Adds a rule.
   *
   * @param rule - What to match and what to do.
   * @returns A handle to remove the rule or read how often it fired.
   * @example
   * const slow = server.faults.add({ latencyMs: 200 });
   * slow.remove();
   */
  add(rule: FaultRule): FaultHandle;
  /** Removes every rule. */
  clear(): void;
  /** The active rules, oldest first. */
  list(): FaultHandle[];
}

/** What the request being answered is about (for matching). */
export interface FaultTarget {
  readonly origin: HubOrigin;
  readonly repo?: string | undefined;
  readonly file?: string | undefined;
}

/** The combined effect of the rules that fired on one request. */
export interface FaultEffects {
  latencyMs: number;
  status?: number;
  cutAfterBytes?: number;
  endAfterBytes?: number;
  corruptAt: number[];
  bytesPerSecond?: number;
  retryAfter?: string;
  stallAfterBytes?: number;
  redirect?: string;
  hold?: { afterBytes: number; released: Promise<void> };
}

/**
 * Whether a file path matches a `file` filter (exact, `/`-suffix, or RegExp).
 *
 * @example
 * matchesFile('model.onnx', 'onnx/model.onnx'); // true
 */
export function matchesFile(filter: string | RegExp, file: string | undefined): boolean {
  if (file === undefined) return false;
  if (typeof filter === 'string') return file === filter || file.endsWith(`/${filter}`);
  filter.lastIndex = 0;
  return filter.test(file);
}

class ActiveRule implements FaultHandle {
  fired = 0;
  left: number;
  readonly released: Promise<void>;
  private release!: () => void;
  constructor(
    readonly id: number,
    readonly rule: Readonly<FaultRule>,
    private readonly owner: FaultRegistry,
  ) {
    this.left = rule.times ?? Infinity;
    this.released = new Promise((resolve) => (this.release = resolve));
  }
  get remaining(): number {
    return this.left;
  }
  remove(): void {
    this.left = 0;
    this.release();
    this.owner.drop(this);
  }
}

/** The fault rules of one server and their matching. */
export class FaultRegistry implements FaultControls {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  add(rule: FaultRule): FaultHandle {
    validateRule(rule);
    const active = new ActiveRule(this.nextId++, { ...rule, corruptAt: rule.corruptAt ? [...rule.corruptAt] : undefined }, this);
    this.rules.push(active);
    return active;
  }

  clear(): void {
    for (const rule of [...this.rules]) rule.remove();
  }

  list(): FaultHandle[] {
    return [...this.rules];
  }

  /** @internal */
  drop(rule: ActiveRule): void {
    this.rules = this.rules.filter((r) => r !== rule);
  }

  /**
   * Fires the matching rules for one request and returns their combined effects.
   *
   * @param target - The request's origin, repo and file.
   * @param streamsBody - Whether the response streams file bytes (body-only rules fire only then).
   */
  take(target: FaultTarget, streamsBody: boolean): FaultEffects {
    const effects: FaultEffects = { latencyMs: 0, corruptAt: [] };
    for (const active of [...this.rules]) {
      const { rule } = active;
      if (active.left <= 0) continue; // a fired-out hold, listed until released
      if (rule.origin && rule.origin !== 'any' && rule.origin !== target.origin) continue;
      if (rule.repo !== undefined && rule.repo !== target.repo) continue;
      if (rule.file !== undefined && !matchesFile(rule.file, target.file)) continue;
      const anyAnswer =
        rule.status !== undefined || rule.latencyMs !== undefined || rule.redirect !== undefined || rule.stallAfterBytes !== undefined;
      if (!streamsBody && !anyAnswer) continue;
      active.fired++;
      active.left--;
      // A hold stays listed (so that removing it releases the body) until it is removed.
      if (active.left <= 0 && rule.holdAfterBytes === undefined) this.drop(active);
      effects.latencyMs += rule.latencyMs ?? 0;
      if (rule.status !== undefined && effects.status === undefined) effects.status = rule.status;
      if (rule.cutAfterBytes !== undefined) effects.cutAfterBytes = Math.min(effects.cutAfterBytes ?? Infinity, rule.cutAfterBytes);
      if (rule.endAfterBytes !== undefined) effects.endAfterBytes = Math.min(effects.endAfterBytes ?? Infinity, rule.endAfterBytes);
      if (rule.bytesPerSecond !== undefined) effects.bytesPerSecond = Math.min(effects.bytesPerSecond ?? Infinity, rule.bytesPerSecond);
      if (rule.corruptAt) effects.corruptAt.push(...rule.corruptAt);
      if (rule.retryAfter !== undefined && effects.retryAfter === undefined) effects.retryAfter = rule.retryAfter;
      if (rule.redirect !== undefined && effects.redirect === undefined) effects.redirect = rule.redirect;
      if (rule.stallAfterBytes !== undefined) effects.stallAfterBytes = Math.min(effects.stallAfterBytes ?? Infinity, rule.stallAfterBytes);
      if (rule.holdAfterBytes !== undefined && effects.hold === undefined)
        effects.hold = { afterBytes: rule.holdAfterBytes, released: active.released };
    }
    return effects;
  }
}

function validateRule(rule: FaultRule): void {
  const nonNegative = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && !Number.isNaN(value))) {
      throw new TypeError(`Fault rule: ${name} must be a non-negative number`);
    }
  };
  if (rule.origin !== undefined && !['hub', 'cdn', 'any'].includes(rule.origin))
    throw new TypeError('Fault rule: origin must be hub, cdn or any');
  if (rule.times !== undefined && !(rule.times >= 1)) throw new TypeError('Fault rule: times must be >= 1');
  nonNegative('cutAfterBytes', rule.cutAfterBytes);
  nonNegative('endAfterBytes', rule.endAfterBytes);
  nonNegative('latencyMs', rule.latencyMs);
  nonNegative('stallAfterBytes', rule.stallAfterBytes);
  nonNegative('holdAfterBytes', rule.holdAfterBytes);
  if (rule.retryAfter !== undefined && typeof rule.retryAfter !== 'string') throw new TypeError('Fault rule: retryAfter must be a string');
  if (rule.redirect !== undefined && typeof rule.redirect !== 'string') throw new TypeError('Fault rule: redirect must be a string');
  if (rule.bytesPerSecond !== undefined && !(rule.bytesPerSecond > 0)) throw new TypeError('Fault rule: bytesPerSecond must be > 0');
  if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 200 && rule.status <= 599)) {
    throw new TypeError('Fault rule: status must be an HTTP status 200-599');
  }
  if (rule.corruptAt !== undefined && !(Array.isArray(rule.corruptAt) && rule.corruptAt.every((n) => Number.isInteger(n) && n >= 0))) {
    throw new TypeError('Fault rule: corruptAt must be an array of non-negative integers');
  }
}
