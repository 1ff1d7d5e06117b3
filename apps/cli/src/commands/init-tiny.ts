/** `nvlm init-tiny`: a tiny, deterministic HF-format NVLM checkpoint with the real tensor names. */
import { resolve } from 'node:path';
import { initTiny } from '@nvlm-ts/arch';
import { choiceOption, defineCommand, intOption, UsageError } from '../command.js';

export const initTinyCommand = defineCommand({
  name: 'init-tiny',
  summary: 'Write a tiny NVLM checkpoint (real names and layout, random weights) for tests and demos',
  description:
    'The checkpoint keeps 448 px tiles, 14 px patches, 256 tokens per tile, padded vision heads and the\n' +
    'Qwen2.5 vocabulary, so every real code path runs; hidden sizes are tiny. Same seed, same bytes.',
  options: {
    arch: { type: 'string', valueName: 'd|x|h', default: 'd', description: 'Architecture: NVLM-D, -X or -H' },
    out: {
      type: 'string',
      short: 'o',
      valueName: 'DIR',
      description: 'Output directory (must be new or empty)',
    },
    seed: { type: 'string', valueName: 'N', default: '0', description: 'Weight seed' },
    dtype: { type: 'string', valueName: 'f32|bf16', default: 'f32', description: 'Stored weight dtype' },
    force: { type: 'boolean', description: 'Replace a non-empty output directory' },
  },
  examples: [
    'nvlm init-tiny --arch d --out models/tiny-d',
    'nvlm init-tiny --out /tmp/tiny --seed 7 --dtype bf16',
  ],
  async run({ values, io }) {
    const arch = choiceOption(values.arch, 'arch', ['d', 'x', 'h'], 'd');
    if (values.out === undefined) throw new UsageError('--out DIR is required');
    const seed = intOption(values.seed, 'seed', { min: 0, max: 0xffffffff }, 0);
    const dtype = choiceOption(values.dtype, 'dtype', ['f32', 'bf16'], 'f32');
    const out = resolve(io.cwd, values.out);
    const result = await initTiny({
      arch: `nvlm-${arch}`,
      out,
      seed,
      dtype: dtype === 'f32' ? 'F32' : 'BF16',
      overwrite: values.force,
    });
    io.stderr.write(
      `wrote ${out}: ${result.tensors} tensors, ${result.parameters.toLocaleString('en-US')} parameters, ` +
        `${(result.bytes / 2 ** 20).toFixed(1)} MiB of weights\n`,
    );
    return 0;
  },
});
