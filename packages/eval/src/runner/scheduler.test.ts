import { describe, expect, it } from 'vitest';
import { ClientPool, limitConcurrency } from './scheduler.js';
import type { ModelClient } from './types.js';

const client = (id: string, concurrency: number): ModelClient => ({
  id,
  concurrency,
  complete: async () => ({ text: '' }),
});

describe('ClientPool', () => {
  it('spreads slots by load, then makes the next request wait for the first slot freed', async () => {
    const a = client('a', 2);
    const b = client('b', 1);
    const pool = new ClientPool([a, b]);
    expect(pool.capacity).toBe(3);
    const got = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    expect(got.map((c) => c.id).sort()).toEqual(['a', 'a', 'b']);
    expect(pool.inFlight).toBe(3);
    const order: string[] = [];
    const first = pool.acquire().then((c) => order.push(`1:${c.id}`));
    const second = pool.acquire().then((c) => order.push(`2:${c.id}`));
    pool.release(b);
    await first;
    pool.release(a);
    await second;
    expect(order).toEqual(['1:b', '2:a']);
  });

  it('a waiting acquire rejects on abort and leaves the queue', async () => {
    const only = client('only', 1);
    const pool = new ClientPool([only]);
    await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    pool.release(only);
    expect(pool.inFlight).toBe(0);
    expect((await pool.acquire()).id).toBe('only');
  });

  it('rejects an empty client list and bad concurrency', () => {
    expect(() => new ClientPool([])).toThrow(RangeError);
    expect(() => new ClientPool([client('x', 0)])).toThrow(/clients\[0\]\.concurrency/);
  });
});

describe('limitConcurrency', () => {
  it('holds direct callers to the client concurrency', async () => {
    let active = 0;
    let most = 0;
    const slow: ModelClient = {
      id: 'slow',
      concurrency: 2,
      complete: async () => {
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return { text: 'ok' };
      },
    };
    const limited = limitConcurrency(slow);
    const signal = new AbortController().signal;
    const request = { prompt: 'p', images: [], maxNewTokens: 1, temperature: 0, seed: 0, signal };
    const answers = await Promise.all(Array.from({ length: 7 }, () => limited.complete(request)));
    expect(answers.map((a) => a.text)).toEqual(Array(7).fill('ok'));
    expect(most).toBe(2);
  });
});
