/**
 * `pnpm start`: the command a newcomer runs on a fresh clone. Makes the default tiny model once
 * (random weights) in the cache, serves it on 127.0.0.1:8000 (HOST / PORT, or --host / --port),
 * and says plainly that its answers mean nothing and how to serve real weights. When the browser
 * demo is built (apps/demo/dist), it is served at `/` with the model's files at `/model/`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_ID, ensureDefaultModel } from './default-model.js';
import { type RunningServer, serve } from './serve.js';

function usage(message: string): never {
  process.stderr.write(`nvlm: ${message} (usage: pnpm start [--host HOST] [--port N] [--api-key KEY])\n`);
  process.exit(2);
}

let values: { host?: string; port?: string; 'api-key'?: string };
try {
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift(); // `pnpm start -- --port 9000`
  ({ values } = parseArgs({
    args,
    options: { host: { type: 'string' }, port: { type: 'string' }, 'api-key': { type: 'string' } },
    strict: true,
  }));
} catch (error) {
  usage((error as Error).message.split('\n')[0] ?? 'bad arguments');
}
const host = values.host ?? process.env.HOST ?? '127.0.0.1';
const portText = values.port ?? process.env.PORT ?? '8000';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65_535)
  usage(`the port must be an integer in [0, 65535], got '${portText}'`);
const apiKey = values['api-key'] ?? process.env.NVLM_API_KEY;
const demoDir = fileURLToPath(new URL('../../demo/dist', import.meta.url));
const withDemo = existsSync(`${demoDir}/index.html`);
let server: RunningServer;
try {
  const { dir, created } = await ensureDefaultModel({
    onCreate: (d) => process.stderr.write(`Creating the default tiny model in ${d} (once)...\n`),
  });
  if (!created) process.stderr.write(`Using the default tiny model in ${dir}\n`);
  server = await serve({
    model: dir,
    modelId: DEFAULT_MODEL_ID,
    host,
    port,
    randomWeights: true,
    ...(apiKey && { apiKey }),
    ...(withDemo && { staticDir: demoDir, modelFilesDir: dir }),
  });
} catch (error) {
  const e = error as Error & { code?: string };
  process.stderr.write(`nvlm: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`);
  process.exit(1);
}
process.stdout.write(
  `nvlm-ts server listening on ${server.url} (model '${DEFAULT_MODEL_ID}', OpenAI API at ${server.url}/v1)\n` +
    'The default tiny model has random weights: its answers mean nothing. ' +
    'To serve real NVLM weights: pnpm nvlm serve --model DIR\n' +
    (withDemo
      ? `The browser demo is at ${server.url}/ (the same model, running in the page).\n`
      : 'Build the browser demo with `pnpm --filter @nvlm-ts/demo build` to serve it at /.\n'),
);
await server.closed;
process.stderr.write('Server stopped.\n');
