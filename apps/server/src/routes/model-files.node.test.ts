/**
 * `/model/<file>` (`modelFilesDir`): the served model's files, byte for byte, with the isolation
 * headers a cross-origin-isolated page needs, and nothing outside that directory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageInput, NvlmPipeline } from '@nvlm-ts/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTestPipeline, modelDir, startServer, type TestServer } from '../testing/helpers.js';

describe('model files at /model/', () => {
  let pipeline: NvlmPipeline<ImageInput>;
  let server: TestServer;
  beforeAll(async () => {
    pipeline = await loadTestPipeline();
    server = await startServer(pipeline, { modelFilesDir: modelDir() });
  });
  afterAll(async () => {
    await server?.close();
    await pipeline?.dispose();
  });

  it('serves every file of the model directory byte for byte, with isolation headers', async () => {
    for (const name of ['nvlm.json', 'tokenizer.json', 'decoder_model_merged.onnx']) {
      const response = await fetch(`${server.url}/model/${name}`);
      expect(response.status, name).toBe(200);
      const body = new Uint8Array(await response.arrayBuffer());
      expect(Buffer.compare(body, await readFile(join(modelDir(), name))), name).toBe(0);
      expect(response.headers.get('content-length'), name).toBe(String(body.byteLength));
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
    expect((await fetch(`${server.url}/model/nvlm.json`)).headers.get('content-type')).toMatch(
      /^application\/json/,
    );
  });

  it('refuses names outside the directory and missing files with 404', async () => {
    for (const path of [
      '/model/..%2Fpackage.json',
      '/model/.hidden',
      '/model/..%2F..%2Fetc%2Fpasswd',
      '/model/missing.onnx',
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
    }
  });

  it('is off unless asked', async () => {
    const plain = await startServer(pipeline);
    try {
      expect((await fetch(`${plain.url}/model/nvlm.json`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
