import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import preset from '../../../../packages/arch/src/presets/nvlm-d-72b.json' with { type: 'json' };
import { useCliWorkspace } from '../testing/workspace.js';

const workspace = useCliWorkspace('convert');
const run = (argv: string[]) => workspace.run(argv);
beforeAll(async () => {
  expect((await run(['init-tiny', '--out', 'ckpt', '--seed', '1'])).code).toBe(0);
}, 60_000);

describe('nvlm convert', () => {
  it('converts a tiny checkpoint, printing progress lines (not a TTY) and a summary', async () => {
    const { code, out, err } = await run([
      'convert',
      'ckpt',
      '--out',
      'onnx',
      '--dtype',
      'int4',
      '--block-size',
      '16',
    ]);
    expect(code).toBe(0);
    expect(out).toBe('');
    const lines = err.trim().split('\n');
    expect(lines.at(-2)).toMatch(/^converting \[#{24}\] 100% (\d+)\/\1 tensors .* ETA 00:00$/);
    expect(lines.at(-1)).toMatch(/^wrote .*onnx: nvlm-d int4, \d+ tensors, [\d.]+ MiB in [\d.]+ s$/);
    expect(await readdir(join(workspace.root, 'onnx'))).toContain('decoder_model_merged.onnx');
    const nvlm = JSON.parse(await readFile(join(workspace.root, 'onnx', 'nvlm.json'), 'utf8'));
    expect(nvlm.quantization).toEqual({ bits: 4, block_size: 16, symmetric: true, accuracy_level: 4 });
  }, 60_000);

  it('is silent with --quiet except for the summary', async () => {
    const { code, err } = await run(['convert', 'ckpt', '--out', 'onnx2', '-q']);
    expect(code).toBe(0);
    expect(err.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it.each([
    [['convert', 'ckpt'], 2, /--out DIR is required/],
    [['convert', '--out', 'x'], 2, /missing argument CHECKPOINT/],
    [['convert', 'ckpt', '--out', 'x', '--dtype', 'q8'], 2, /--dtype must be one of fp32, fp16, int8, int4/],
    [['convert', 'ckpt', '--out', 'x', '--block-size', '48'], 2, /--block-size must be a power of 2/],
    [
      ['convert', 'nowhere', '--out', 'x'],
      1,
      /^nvlm: ArchError \[INVALID_CONFIG\]: cannot read config.json at .*nowhere/,
    ],
    [['convert', 'ckpt', '--out', 'onnx'], 1, /OUTPUT_EXISTS/],
  ])('%j fails with exit %i and one line', async (argv, exitCode, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(exitCode);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});

describe('nvlm inspect', () => {
  it('counts 79,379,593,344 parameters for the NVLM-D-72B config (NVLM.md 16)', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(workspace.root, 'nvlm-d-72b.json'), JSON.stringify(preset));
    const { code, out } = await run(['inspect', 'nvlm-d-72b.json', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.parameters).toEqual({
      total: 79_379_593_344,
      vision: 6_052_672_640,
      projector: 620_717_056,
      language: 72_706_203_648,
    });
    const text = await run(['inspect', 'nvlm-d-72b.json']);
    expect(text.out).toContain('parameters    79,379,593,344');
  });

  it('reads config.json from a model directory', async () => {
    const { code, out } = await run(['inspect', 'ckpt', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).arch).toBe('nvlm-d');
  });
});
