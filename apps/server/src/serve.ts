/**
 * `serve`: load a model directory, start the server, and shut down gracefully on SIGTERM/SIGINT
 * (stop accepting, let running generations finish within the deadline, abort the rest). Shared by
 * `nvlm serve` and `pnpm start`.
 */
import { basename, resolve } from 'node:path';
import { loadPipeline } from '@nvlm-ts/runtime';
import type { FastifyInstance } from 'fastify';
import { createServer, type ServerOptions } from './server.js';

export interface ServeOptions extends Omit<ServerOptions, 'pipeline' | 'modelId'> {
  /** Model directory (nvlm-ts ONNX or a Hugging Face NVLM checkpoint, converted once). */
  model: string;
  /** Served model name (default: the directory's name). */
  modelId?: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 8000; 0 picks a free one). */
  port?: number;
  /** onnxruntime backends to try in order (default ['cpu']). */
  backends?: readonly string[];
  /** onnxruntime intra-op threads. */
  threads?: number;
  /** Context length (default the model's). */
  contextLength?: number;
  /** Handle SIGTERM and SIGINT with a graceful shutdown (default true). */
  handleSignals?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://host:port`. */
  url: string;
  /** Resolves when the server has shut down (signal or `close()`). */
  closed: Promise<void>;
  /** Graceful shutdown. */
  close(): Promise<void>;
}

/** Loads the model and listens; resolves once the server accepts connections. */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const concurrency = options.concurrency ?? 1;
  const pipeline = await loadPipeline(options.model, {
    backends: options.backends ?? ['cpu'],
    concurrency,
    ...(options.threads !== undefined && { threads: options.threads }),
    ...(options.contextLength !== undefined && { contextLength: options.contextLength }),
    ...(options.maxImages !== undefined && { maxImages: options.maxImages }),
  });
  const modelId = options.modelId ?? basename(resolve(options.model));
  const app = createServer({
    ...options,
    pipeline,
    modelId,
    modelLocation: options.modelLocation ?? resolve(options.model),
  });
  app.addHook('onClose', async () => {
    await pipeline.dispose();
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: options.port ?? 8000 });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8000);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  const close = () => {
    closing ??= app.close().then(resolveClosed);
    return closing;
  };
  if (options.handleSignals ?? true) {
    const onSignal = () => void close();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    void closed.then(() => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    });
  }
  return { app, url, closed, close };
}
