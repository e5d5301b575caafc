/**
 * Token buckets: the gateway's defence against floods (per client IP for the write routes, per socket for WebSocket
 * messages). A bucket holds at most `burst` tokens and refills at `perSecond`; each request takes one.
 */

/** A rate: `perSecond` sustained, `burst` at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Throws `RangeError` unless both figures of `limit` are positive and finite. */
export function assertRateLimit(name: string, limit: RateLimit): void {
  for (const [field, value] of Object.entries(limit)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`${name}.${field} must be a positive number, got ${String(value)}`);
    }
  }
}

/** One token bucket. */
export class TokenBucket {
  private tokens: number;
  private updatedMs: number;

  /** @param now Clock in ms (injectable for tests). */
  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limit.burst;
    this.updatedMs = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the bucket holds a whole token again (0 when it does now). */
  msUntilToken(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.limit.perSecond);
  }

  /** Whether the bucket is full again (it can be forgotten). */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.limit.burst;
  }

  private refill(): void {
    const nowMs = this.now();
    const elapsedMs = Math.max(0, nowMs - this.updatedMs);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsedMs * this.limit.perSecond) / 1000);
    this.updatedMs = nowMs;
  }
}

/**
 * A bucket per key (client IP). Memory stays bounded: past `maxKeys` keys, full buckets are forgotten (a full bucket
 * is the same as a fresh one), and if every bucket is in use the oldest is dropped.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    assertRateLimit("rate limit", limit);
  }

  /** The sustained rate allowed per key. */
  get perSecond(): number {
    return this.limit.perSecond;
  }

  /** Takes one token from `key`'s bucket; false when the key is over its rate. */
  take(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.prune();
      bucket = new TokenBucket(this.limit, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** Milliseconds until `key` may send again (0 when it may now); what a 429's `Retry-After` is made of. */
  msUntilToken(key: string): number {
    return this.buckets.get(key)?.msUntilToken() ?? 0;
  }

  private prune(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
  }
}
