/** `nvlm serve`: the OpenAI-compatible server (@nvlm-ts/server) over a model directory. */
import { resolve } from 'node:path';
import { resolveModelDirectory } from '@nvlm-ts/runtime';
import { DEFAULT_MODEL_ID, defaultModelDirectory, ensureDefaultModel, serve } from '@nvlm-ts/server';
import { defineCommand, intOption, UsageError } from '../command.js';
import { RUNTIME_OPTIONS, runtimeOptions } from '../util/runtime-options.js';

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'Serve a model over an OpenAI-compatible HTTP API (chat completions, streaming, images)',
  description:
    'POST /v1/chat/completions (OpenAI format, SSE streaming, images as data: URLs), GET /v1/models,\n' +
    '/health and /metrics (Prometheus). SIGTERM or Ctrl-C stops accepting requests, lets running\n' +
    'generations finish within --shutdown-timeout, then exits. --default-model serves the tiny model\n' +
    'with random weights (made once in the cache): its answers mean nothing.',
  options: {
    model: {
      type: 'string',
      short: 'm',
      valueName: 'DIR',
      description: 'Model directory (nvlm-ts ONNX or Hugging Face)',
    },
    'default-model': {
      type: 'boolean',
      description: 'Serve the default tiny model (random weights), creating it once in the cache',
    },
    host: { type: 'string', valueName: 'HOST', default: '127.0.0.1', description: 'Interface to listen on' },
    port: { type: 'string', valueName: 'N', default: '8000', description: 'Port (0 picks a free one)' },
    'served-model-name': {
      type: 'string',
      valueName: 'NAME',
      description: "Model name clients send (default: the directory's name)",
    },
    'api-key': {
      type: 'string',
      valueName: 'KEY',
      description: 'Require "Authorization: Bearer KEY" on /v1 (default $NVLM_API_KEY; none = open)',
    },
    concurrency: { type: 'string', valueName: 'N', default: '1', description: 'Generations at once' },
    'max-queue': {
      type: 'string',
      valueName: 'N',
      default: '64',
      description: 'Requests waiting for a slot before 429',
    },
    'max-images': { type: 'string', valueName: 'N', default: '8', description: 'Images per request' },
    'max-image-pixels': {
      type: 'string',
      valueName: 'N',
      default: '36000000',
      description: 'Largest width x height, checked from the header before decoding',
    },
    'max-body-bytes': {
      type: 'string',
      valueName: 'N',
      default: String(32 * 2 ** 20),
      description: 'Largest request body',
    },
    'max-tokens-limit': {
      type: 'string',
      valueName: 'N',
      default: '1000000',
      description: 'Largest max_tokens a request may ask for',
    },
    'default-max-tokens': {
      type: 'string',
      valueName: 'N',
      default: '512',
      description: 'max_tokens when a request gives none',
    },
    'context-length': {
      type: 'string',
      valueName: 'N',
      description: "Context length (default: the model's)",
    },
    'image-hosts': {
      type: 'string',
      valueName: 'LIST',
      description: 'Enable http(s) image URLs from these hosts (comma-separated; *.example.com; * = any)',
    },
    'allow-private-image-hosts': {
      type: 'boolean',
      description: 'Let image URLs reach private, loopback and link-local addresses',
    },
    'image-timeout-ms': {
      type: 'string',
      valueName: 'MS',
      default: '10000',
      description: 'Time limit per remote image',
    },
    'image-max-bytes': {
      type: 'string',
      valueName: 'N',
      default: String(20 * 2 ** 20),
      description: 'Size limit per remote image',
    },
    'allowed-origins': {
      type: 'string',
      valueName: 'LIST',
      description: 'Browser origins allowed to call the API (CORS; comma-separated, * = any)',
    },
    static: { type: 'string', valueName: 'DIR', description: 'Serve this directory at / (the browser demo)' },
    'model-files': {
      type: 'boolean',
      description: 'Expose the model directory read-only at /model/ (for the browser demo to load it)',
    },
    'shutdown-timeout': {
      type: 'string',
      valueName: 'S',
      default: '10',
      description: 'Seconds running generations get to finish on SIGTERM',
    },
    ...RUNTIME_OPTIONS,
    log: { type: 'boolean', description: 'Log every request (JSON lines on stdout)' },
  },
  examples: [
    'nvlm serve --model NVLM-D-72B-int4 --port 8000',
    'nvlm serve --default-model --api-key secret',
    'nvlm serve --default-model --static apps/demo/dist --model-files',
    'nvlm serve -m models/tiny-d-onnx --image-hosts "*.wikimedia.org" --concurrency 2',
  ],
  async run({ values, io }) {
    if ((values.model === undefined) === !values['default-model']) {
      throw new UsageError('give --model DIR, or --default-model for the tiny random-weights model');
    }
    const int = (name: keyof typeof values & string, min: number, max: number, fallback: number) =>
      intOption(values[name] as string | undefined, name, { min, max }, fallback);
    const port = int('port', 0, 65_535, 8000);
    const imageHosts = values['image-hosts']
      ?.split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    const apiKey = values['api-key'] ?? io.env.NVLM_API_KEY;
    const origins = values['allowed-origins']
      ?.split(',')
      .map((o) => o.trim())
      .filter((o) => o !== '');
    const options = {
      host: values.host,
      port,
      ...runtimeOptions(values),
      concurrency: int('concurrency', 1, 1024, 1),
      maxQueue: int('max-queue', 0, 1_000_000, 64),
      maxImages: int('max-images', 0, 1024, 8),
      maxImagePixels: int('max-image-pixels', 1, 2 ** 40, 36_000_000),
      bodyLimitBytes: int('max-body-bytes', 1024, 2 ** 31, 32 * 2 ** 20),
      maxTokensLimit: int('max-tokens-limit', 1, 1_000_000, 1_000_000),
      defaultMaxTokens: int('default-max-tokens', 1, 1_000_000, 512),
      shutdownTimeoutMs: int('shutdown-timeout', 0, 86_400, 10) * 1000,
      ...(values['context-length'] !== undefined && {
        contextLength: int('context-length', 2, 10_000_000, 0),
      }),
      ...(apiKey && { apiKey }),
      ...(values['served-model-name'] !== undefined && { modelId: values['served-model-name'] }),
      ...(values.static !== undefined && { staticDir: resolve(io.cwd, values.static) }),
      ...(imageHosts &&
        imageHosts.length > 0 && {
          remoteImages: {
            allowHosts: imageHosts,
            allowPrivate: values['allow-private-image-hosts'],
            timeoutMs: int('image-timeout-ms', 1, 600_000, 10_000),
            maxBytes: int('image-max-bytes', 1, 2 ** 31, 20 * 2 ** 20),
          },
        }),
      ...(origins && origins.length > 0 && { corsOrigins: origins }),
      ...(values.log && { logger: true }),
    };
    let model: string;
    if (values['default-model']) {
      const dir = defaultModelDirectory(io.env.NVLM_CACHE === undefined ? process.env : io.env);
      const made = await ensureDefaultModel({
        dir,
        onCreate: (d) => io.stderr.write(`creating the default tiny model in ${d} (once)\n`),
      });
      model = made.dir;
    } else {
      model = resolve(io.cwd, values.model!);
    }
    const server = await serve({
      model,
      ...options,
      ...(values['model-files'] && { modelFilesDir: await resolveModelDirectory(model) }),
      ...(values['default-model'] && { modelId: options.modelId ?? DEFAULT_MODEL_ID, randomWeights: true }),
    });
    io.stdout.write(
      `nvlm-ts server listening on ${server.url} (model '${server.app.nvlm.modelId}', API at ${server.url}/v1)\n`,
    );
    if (values['default-model']) {
      io.stdout.write(
        'The default tiny model has random weights: its answers mean nothing. ' +
          'To serve real NVLM weights: nvlm serve --model DIR\n',
      );
    }
    await server.closed;
    io.stderr.write('server stopped\n');
    return 0;
  },
});
