/**
 * The runner's request slots: every client offers `concurrency` slots; a request takes a free slot on
 * the least busy client (by share of its slots in use, ties to the client after the last one chosen),
 * or waits in FIFO order for the first slot any client frees.
 */
import type { ModelClient } from './types.js';

/** Slots over a set of model clients. */
export class ClientPool {
  readonly #clients: readonly ModelClient[];
  readonly #active: number[];
  readonly #waiters: { resolve: (client: ModelClient) => void; reject: (reason: unknown) => void }[] = [];
  #next = 0;

  constructor(clients: readonly ModelClient[]) {
    if (clients.length === 0) throw new RangeError(`'clients' must hold at least one model client`);
    for (const [i, client] of clients.entries()) {
      if (!Number.isInteger(client.concurrency) || client.concurrency < 1) {
        throw new RangeError(
          `'clients[${i}].concurrency' must be an integer >= 1, got ${String(client.concurrency)}`,
        );
      }
    }
    this.#clients = clients;
    this.#active = clients.map(() => 0);
  }

  /** Slots over all clients. */
  get capacity(): number {
    return this.#clients.reduce((sum, c) => sum + c.concurrency, 0);
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.#active.reduce((a, b) => a + b, 0);
  }

  /** Takes a slot (waiting for one if all are busy); rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<ModelClient> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const free = this.#pick();
    if (free) return Promise.resolve(free);
    return new Promise<ModelClient>((resolve, reject) => {
      const waiter = {
        resolve: (client: ModelClient) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(client);
        },
        reject,
      };
      const onAbort = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Gives back a slot of `client`, handing it to the longest waiter. */
  release(client: ModelClient): void {
    const i = this.#clients.indexOf(client);
    if (i < 0 || (this.#active[i] as number) <= 0) throw new Error('released a slot that was not taken');
    this.#active[i] = (this.#active[i] as number) - 1;
    const waiter = this.#waiters.shift();
    if (waiter) {
      const next = this.#pick();
      if (next) waiter.resolve(next);
      else this.#waiters.unshift(waiter);
    }
  }

  #pick(): ModelClient | undefined {
    let best = -1;
    let bestLoad = Number.POSITIVE_INFINITY;
    const n = this.#clients.length;
    for (let k = 0; k < n; k++) {
      const i = (this.#next + k) % n;
      const client = this.#clients[i] as ModelClient;
      const active = this.#active[i] as number;
      if (active >= client.concurrency) continue;
      const load = active / client.concurrency;
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    if (best < 0) return undefined;
    this.#active[best] = (this.#active[best] as number) + 1;
    this.#next = (best + 1) % n;
    return this.#clients[best];
  }
}

/**
 * A client whose `complete` itself waits for one of the client's `concurrency` slots, for callers
 * other than the runner (which schedules through a {@link ClientPool}), e.g. the LLM judge.
 */
export function limitConcurrency(client: ModelClient): ModelClient {
  const pool = new ClientPool([client]);
  return {
    id: client.id,
    concurrency: client.concurrency,
    async complete(request) {
      await pool.acquire(request.signal);
      try {
        return await client.complete(request);
      } finally {
        pool.release(client);
      }
    },
    ...(client.close && { close: () => client.close?.() as Promise<void> }),
  };
}
