/**
 * Admission control: at most `concurrency` generations run at once, at most `maxQueue` wait (FIFO),
 * and the rest are refused at once with 429 and a Retry-After estimate, as vLLM's and TGI's
 * routers do. A waiter whose client goes away leaves the queue immediately; a drained scheduler
 * (shutdown) refuses everyone with 503.
 */
import { ApiError } from './errors.js';

interface Waiter {
  grant: (release: () => void) => void;
  fail: (error: unknown) => void;
}

export class Scheduler {
  #running = 0;
  readonly #queue: Waiter[] = [];
  #draining = false;
  /** Moving average of how long a slot is held, in ms (for Retry-After). */
  #holdMs = 1000;

  constructor(
    readonly concurrency: number,
    readonly maxQueue: number,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`'concurrency' must be an integer >= 1, got ${String(concurrency)}`);
    }
    if (!Number.isInteger(maxQueue) || maxQueue < 0) {
      throw new RangeError(`'maxQueue' must be an integer >= 0, got ${String(maxQueue)}`);
    }
  }

  /** Generations holding a slot. */
  get running(): number {
    return this.#running;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Seconds a refused client should wait: the queue ahead divided by the slots, at least 1. */
  retryAfterSeconds(): number {
    const ahead = this.#queue.length + 1;
    return Math.max(1, Math.ceil((ahead * this.#holdMs) / this.concurrency / 1000));
  }

  /**
   * Resolves with a release function once a slot is free. Throws ApiError 429 when the queue is
   * full, 503 while draining; rejects with the signal's reason if it aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#draining) return Promise.reject(shuttingDown());
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#running < this.concurrency) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#queue.length >= this.maxQueue) {
      return Promise.reject(
        new ApiError(
          429,
          'server_overloaded',
          `the server is busy (${this.#running} generations running, ${this.#queue.length} waiting); retry later`,
          null,
          { retryAfterSeconds: this.retryAfterSeconds() },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** Refuses new requests and every waiter with 503; running generations keep their slots. */
  drain(): void {
    this.#draining = true;
    for (const waiter of this.#queue.splice(0)) waiter.fail(shuttingDown());
  }

  #releaser(): () => void {
    const start = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holdMs = 0.8 * this.#holdMs + 0.2 * (performance.now() - start);
      const next = this.#queue.shift();
      if (next)
        next.grant(this.#releaser()); // the slot passes straight to the next waiter
      else this.#running--;
    };
  }
}

function shuttingDown(): ApiError {
  return new ApiError(503, 'server_shutting_down', 'the server is shutting down', null);
}
