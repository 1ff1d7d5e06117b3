/**
 * Retry policy of the runner: exponential backoff with full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter", 2015: `sleep = random(0, min(cap, base * 2^attempt))`), where a
 * server's `Retry-After` wins, and the clock the runner and its tests share.
 */
import { EvaluationError } from '../errors.js';

/** Time and randomness the runner uses; tests inject fakes so backoff takes no real time. */
export interface RunnerTimers {
  /** Milliseconds since some fixed point (`Date.now`). */
  now(): number;
  /** Resolves after `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A number in [0, 1) (`Math.random`), for the jitter. */
  random(): number;
}

/** Real timers. */
export const REAL_TIMERS: RunnerTimers = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((done, fail) => {
      if (signal?.aborted) {
        fail(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        fail(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        done();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  random: () => Math.random(),
};

/** Backoff bounds, in milliseconds. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay (default 500). */
  readonly baseMs?: number;
  /** Largest ceiling (default 30 000). */
  readonly capMs?: number;
}

/** Longest `Retry-After` honoured (1 hour): a longer one is a misconfigured server, not a plan. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * The delay before retry number `retry` (1 = the first retry): full jitter over
 * `min(cap, base * 2^(retry-1))`, or the server's `retryAfterMs` when it sent one.
 */
export function backoffDelay(
  retry: number,
  random: () => number,
  options: BackoffOptions = {},
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  }
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 30_000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Parses an HTTP `Retry-After` value (RFC 9110 10.2.3: delay-seconds or an HTTP-date) into
 * milliseconds from `now`; undefined when absent or unparsable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3},/.test(text)) return undefined; // HTTP-dates start with the day name
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** A MODEL_ERROR (`retryable`, `status` and `retryAfterMs` say how the runner should react). */
export type ModelError = EvaluationError;

/** Builds a MODEL_ERROR. */
export function modelError(
  message: string,
  details: { retryable: boolean; status?: number; cause?: unknown; retryAfterMs?: number | undefined },
): ModelError {
  return new EvaluationError('MODEL_ERROR', message, {
    retryable: details.retryable,
    ...(details.status !== undefined && { status: details.status }),
    ...(details.cause !== undefined && { cause: details.cause }),
    retryAfterMs: details.retryAfterMs,
  });
}

/** Any thrown value as a MODEL_ERROR; errors that are not typed ones count as not retryable. */
export function asModelError(error: unknown): ModelError {
  if (error instanceof EvaluationError && error.code === 'MODEL_ERROR') return error;
  const message = error instanceof Error ? error.message : String(error);
  return modelError(message, { retryable: false, cause: error });
}
