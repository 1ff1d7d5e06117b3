/**
 * Vite config of the demo: workspace packages from their sources (`@nvlm-ts/source`), the
 * browser entry of @nvlm-ts/runtime, onnxruntime-web's WASM runtime files copied to `ort/` (the
 * worker points `ort.env.wasm.wasmPaths` there, as the runtime's browser test does), and the
 * cross-origin isolation headers threaded WASM needs. In `vite` (dev) the model comes from a
 * running `pnpm start` on 127.0.0.1:8000 through the `/model` proxy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
/** The WASM builds (plain, JSEP for WebGPU, asyncify, JSPI) and their Emscripten glue. */
const ortFiles = readdirSync(ortDist).filter((name) =>
  /^ort-wasm-simd-threaded\.[\w.]*(mjs|wasm)$/.test(name),
);

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Emits onnxruntime-web's runtime files as `ort/<name>` and serves them in dev. */
function ortRuntimeFiles(): Plugin {
  return {
    name: 'nvlm-demo-ort-files',
    generateBundle() {
      for (const name of ortFiles) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(join(ortDist, name)) });
      }
    },
    configureServer(server) {
      server.middlewares.use('/ort/', (req, res, next) => {
        const name = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        if (!ortFiles.includes(name)) return next();
        res.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        res.end(readFileSync(join(ortDist, name)));
      });
    },
  };
}

const conditions = ['@nvlm-ts/source', 'onnxruntime-web-use-extern-wasm', ...defaultClientConditions];

export default defineConfig({
  base: './',
  resolve: { conditions },
  worker: { format: 'es' },
  plugins: [ortRuntimeFiles()],
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2048 },
  server: {
    headers: ISOLATION,
    proxy: { '/model/': 'http://127.0.0.1:8000' },
  },
  preview: { headers: ISOLATION },
});
