import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCliWorkspace } from '../testing/workspace.js';

const workspace = useCliWorkspace('generate');
const run = (argv: string[]) => workspace.run(argv);
const savedCache = process.env.NVLM_CACHE;

beforeAll(async () => {
  process.env.NVLM_CACHE = join(workspace.root, 'cache');
  expect((await run(['init-tiny', '--out', 'ckpt', '--seed', '2'])).code).toBe(0);
  expect((await run(['convert', 'ckpt', '--out', 'onnx', '-q'])).code).toBe(0);
}, 120_000);

afterAll(() => {
  if (savedCache === undefined) delete process.env.NVLM_CACHE;
  else process.env.NVLM_CACHE = savedCache;
});

describe('nvlm generate', () => {
  it('--json prints text, token ids, prompt ids, usage and timings; streaming prints the same text', async () => {
    const json = await run([
      'generate',
      '--model',
      'onnx',
      '--prompt',
      'Hi there',
      '--max-new-tokens',
      '5',
      '--json',
    ]);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.out);
    expect(Object.keys(result).sort()).toEqual([
      'finish_reason',
      'prompt_token_ids',
      'text',
      'timings',
      'token_ids',
      'usage',
    ]);
    expect(result.token_ids).toHaveLength(5);
    expect(result.usage.completion_tokens).toBe(5);
    expect(result.usage.prompt_tokens).toBe(result.prompt_token_ids.length);
    expect(result.timings.ttft_ms).toBeGreaterThan(0);
    const streamed = await run([
      'generate',
      '--model',
      'onnx',
      '--prompt',
      'Hi there',
      '--max-new-tokens',
      '5',
    ]);
    expect(streamed.code).toBe(0);
    expect(streamed.out).toBe(`${result.text}\n`);
  }, 60_000);

  it('--logits writes the first position as float32 whose argmax is the first greedy token', async () => {
    const { code, out } = await run([
      'generate',
      '-m',
      'onnx',
      '-p',
      'Hi',
      '--max-new-tokens',
      '2',
      '--json',
      '--logits',
      'first.f32',
    ]);
    expect(code).toBe(0);
    const bytes = await readFile(join(workspace.root, 'first.f32'));
    expect(bytes.byteLength).toBe(152064 * 4);
    const logits = new Float32Array(bytes.buffer, bytes.byteOffset, 152064);
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    expect(best).toBe(JSON.parse(out).token_ids[0]);
  }, 60_000);

  it('takes an image and a Hugging Face checkpoint (converted once into the cache)', async () => {
    const sharp = (await import('sharp')).default;
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 90 } } })
      .png()
      .toFile(join(workspace.root, 'red.png'));
    const first = await run([
      'generate',
      '-m',
      'ckpt',
      '-i',
      'red.png',
      '-p',
      'Color?',
      '--max-new-tokens',
      '3',
      '--json',
    ]);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.out);
    expect(result.usage.image_tokens).toBe(256 * result.timings.tiles);
    expect((await readdir(join(workspace.root, 'cache'))).length).toBe(1);
    // The same request again (no second conversion), and on the explicitly converted model.
    for (const model of ['ckpt', 'onnx']) {
      const again = await run([
        'generate',
        '-m',
        model,
        '-i',
        'red.png',
        '-p',
        'Color?',
        '--max-new-tokens',
        '3',
        '--json',
      ]);
      expect(JSON.parse(again.out).token_ids).toEqual(result.token_ids);
      expect((await readdir(join(workspace.root, 'cache'))).length).toBe(1);
    }
  }, 120_000);

  it.each(['x', 'h'])(
    'runs NVLM-%s with the same commands and flags',
    async (arch) => {
      const sharp = (await import('sharp')).default;
      await sharp({ create: { width: 896, height: 448, channels: 3, background: { r: 10, g: 200, b: 90 } } })
        .png()
        .toFile(join(workspace.root, `wide-${arch}.png`));
      expect((await run(['init-tiny', '--arch', arch, '--out', `ckpt-${arch}`, '--seed', '4'])).code).toBe(0);
      expect(
        (await run(['convert', `ckpt-${arch}`, '--out', `onnx-${arch}`, '--dtype', 'int8', '-q'])).code,
      ).toBe(0);
      const { code, out } = await run([
        'generate',
        '-m',
        `onnx-${arch}`,
        '-i',
        `wide-${arch}.png`,
        '-p',
        'What?',
        '--max-new-tokens',
        '3',
        '--json',
      ]);
      expect(code).toBe(0);
      const result = JSON.parse(out);
      expect(result.token_ids).toHaveLength(3);
      expect(result.timings.tiles).toBe(3);
      // X keeps only tags in the decoder text; H keeps the thumbnail's 256 image tokens.
      expect(result.usage.image_tokens).toBe(arch === 'x' ? 0 : 256);
    },
    120_000,
  );

  it.each([
    [['generate', '--prompt', 'x'], 2, /--model DIR is required/],
    [['generate', '--model', 'onnx'], 2, /--prompt TEXT is required/],
    [['generate', '-m', 'onnx', '-p', 'x', '--temperature', 'hot'], 2, /--temperature must be a number/],
    [
      ['generate', '-m', 'onnx', '-p', 'x', '--backend', 'tpu'],
      2,
      /--backend must be one of cpu, cuda, webgpu/,
    ],
    [['generate', '-m', 'nowhere', '-p', 'x'], 1, /RuntimeError \[BAD_MODEL\]: cannot open model directory/],
    [['generate', '-m', 'onnx', '-p', 'x', '-i', 'missing.png'], 1, /TilerError/],
  ])('%j fails with exit %i and one line', async (argv, exitCode, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(exitCode);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});
