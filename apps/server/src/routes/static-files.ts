/**
 * `/`: a directory of static files (the browser demo's build) when one is given, else a small
 * HTML page naming the model and showing how to call the API; `/model/<file>`: the served model
 * directory's files, read-only, when asked (the demo loads the same model in the browser). Hand-written rather than
 * @fastify/static: one GET/HEAD handler for a read-only directory, with the cross-origin isolation
 * headers onnxruntime-web's threaded WASM needs (COOP/COEP), is less code than the plugin's options,
 * and its current major pulls dependencies that want Node 22.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.data': 'application/octet-stream',
};

/** Headers that make the page cross-origin isolated (SharedArrayBuffer for threaded WASM). */
const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'x-content-type-options': 'nosniff',
} as const;

export interface HomePageInfo {
  modelId: string;
  /** Where the model was loaded from, shown on the page. */
  modelLocation?: string | undefined;
  /** The model has random weights (the default tiny model): say its answers mean nothing. */
  randomWeights?: boolean | undefined;
  /** Whether /v1 needs a bearer token. */
  auth: boolean;
}

export function registerStaticFiles(app: FastifyInstance, dir: string | undefined, home: HomePageInfo): void {
  if (dir === undefined) {
    app.get('/', (request, reply) =>
      reply.type('text/html; charset=utf-8').send(homePage(home, request.headers.host ?? 'localhost:8000')),
    );
    return;
  }
  const root = resolve(dir);
  const serve = (request: FastifyRequest, reply: FastifyReply) => sendFile(root, request, reply);
  app.get('/', serve);
  app.get('/*', serve);
}

/** A model file name: one path segment of word characters, dots and dashes, not starting with a dot. */
const MODEL_FILE = /^[\w-][\w.-]*$/;

/**
 * Serves the files of the model directory `dir` (flat: nvlm.json, tokenizer files, ONNX graphs and
 * their external data) at `/model/<name>`, for a browser page of the same origin to load the model
 * with `loadPipelineFromUrl('/model/')`. Nothing else of the file system is reachable.
 */
export function registerModelFiles(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  app.get('/model/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    if (!MODEL_FILE.test(name)) throw notFound(`/model/${name}`);
    const file = join(root, name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw notFound(`/model/${name}`);
    reply.headers({
      ...ISOLATION,
      'cross-origin-resource-policy': 'same-origin',
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
    });
    return reply.send(createReadStream(file));
  });
}

async function sendFile(root: string, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const path = (request.url.split('?')[0] ?? '/').split('#')[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new ApiError(400, 'invalid_request', 'malformed URL path', null);
  }
  if (decoded.includes('\0')) throw new ApiError(400, 'invalid_request', 'malformed URL path', null);
  let file = resolve(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) throw notFound(path);
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) throw notFound(path);
  reply.headers({
    ...ISOLATION,
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-cache',
  });
  return reply.send(createReadStream(file));
}

function notFound(path: string): ApiError {
  return new ApiError(404, 'not_found', `no file at ${path}`, null);
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function homePage(info: HomePageInfo, hostHeader: string): string {
  const host = escapeHtml(hostHeader);
  const model = escapeHtml(info.modelId);
  const auth = info.auth ? ' \\\n  -H "Authorization: Bearer $NVLM_API_KEY"' : '';
  const warning = info.randomWeights
    ? `<p class="warn"><strong>This is the default tiny model with random weights: its answers mean nothing.</strong>
It exists so that every code path runs on a fresh clone. Serve real NVLM weights with
<code>pnpm nvlm serve --model DIR</code> (a Hugging Face NVLM-D checkpoint or an <code>nvlm convert</code> directory).</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nvlm-ts server: ${model}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}
pre{background:#f4f4f4;padding:1rem;overflow:auto}.warn{background:#fff3cd;padding:.75rem 1rem}</style></head>
<body><h1>nvlm-ts server</h1>
<p>Serving <code>${model}</code>${info.modelLocation ? ` from <code>${escapeHtml(info.modelLocation)}</code>` : ''} with an OpenAI-compatible API.</p>
${warning}
<h2>Call it</h2>
<pre>curl http://${host}/v1/chat/completions${auth} \\
  -H "Content-Type: application/json" \\
  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello!"}], "max_tokens": 32}'</pre>
<p>Or with the <code>openai</code> client: <code>new OpenAI({ baseURL: 'http://${host}/v1', apiKey: '...' })</code>.
Images go in <code>image_url</code> parts as <code>data:image/png;base64,...</code> URLs.</p>
<h2>Endpoints</h2>
<ul><li><code>POST /v1/chat/completions</code> (streaming with <code>"stream": true</code>)</li>
<li><code>GET /v1/models</code></li><li><code>GET /health</code></li><li><code>GET /metrics</code> (Prometheus)</li></ul>
</body></html>
`;
}
