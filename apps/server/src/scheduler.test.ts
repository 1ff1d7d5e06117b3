import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { Scheduler } from './scheduler.js';

describe('Scheduler', () => {
  it('runs at most `concurrency`, queues FIFO up to `maxQueue`, refuses the rest with 429', async () => {
    const s = new Scheduler(2, 2);
    const a = await s.acquire();
    const b = await s.acquire();
    const order: string[] = [];
    const c = s.acquire().then((r) => {
      order.push('c');
      return r;
    });
    const d = s.acquire().then((r) => {
      order.push('d');
      return r;
    });
    expect([s.running, s.waiting]).toEqual([2, 2]);
    const refused = await s.acquire().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    expect((refused as ApiError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    a();
    a(); // releasing twice frees one slot only
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect([s.running, s.waiting]).toEqual([2, 1]);
    b();
    (await d)();
    releaseC();
    expect([s.running, s.waiting]).toEqual([0, 0]);
  });

  it('drops a waiter whose signal aborts, and drains with 503', async () => {
    const s = new Scheduler(1, 4);
    const release = await s.acquire();
    const controller = new AbortController();
    const waiting = s.acquire(controller.signal).catch((e: unknown) => e);
    const other = s.acquire().catch((e: unknown) => e);
    controller.abort('gone');
    expect(await waiting).toBe('gone');
    expect(s.waiting).toBe(1);
    s.drain();
    expect(((await other) as ApiError).status).toBe(503);
    expect(((await s.acquire().catch((e: unknown) => e)) as ApiError).code).toBe('server_shutting_down');
    release();
    expect(s.running).toBe(0);
  });

  it('checks its arguments', () => {
    expect(() => new Scheduler(0, 1)).toThrow(RangeError);
    expect(() => new Scheduler(1, -1)).toThrow(/'maxQueue'/);
  });
});
