/** In-memory streams for running `main` inside a test. */
import { PassThrough, Readable } from 'node:stream';
import type { CommandIO } from '../command.js';

export interface MemoryIO extends CommandIO {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

export function memoryIO(stdinText = '', cwd = process.cwd()): MemoryIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => outChunks.push(c));
  stderr.on('data', (c: Buffer) => errChunks.push(c));
  return {
    stdout,
    stderr,
    stdin: Readable.from([Buffer.from(stdinText)]),
    cwd,
    env: {},
    out: () => Buffer.concat(outChunks).toString('utf8'),
    err: () => Buffer.concat(errChunks).toString('utf8'),
  };
}
