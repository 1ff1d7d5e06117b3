/** `nvlm convert`: a Hugging Face NVLM checkpoint to an nvlm-ts ONNX model directory. */
import { resolve } from 'node:path';
import { convert } from '@nvlm-ts/arch';
import { choiceOption, defineCommand, intOption, UsageError } from '../command.js';
import { formatBytes, ProgressBar } from '../util/progress.js';

export const convertCommand = defineCommand({
  name: 'convert',
  summary: 'Convert a Hugging Face NVLM checkpoint into ONNX graphs (fp32, fp16, int8 or int4 weights)',
  description:
    'Writes vision_encoder.onnx, embed_tokens.onnx and decoder_model_merged.onnx with external weight\n' +
    'data, the original config.json, the tokenizer files and nvlm.json. Weights stream one tensor at a\n' +
    'time; the output appears only when everything succeeded. fp16 runs the graphs in float16 (GPU);\n' +
    'int8/int4 store every linear layer as com.microsoft MatMulNBits blocks (weight-only,\n' +
    'round-to-nearest) with float32 activations (CPU).',
  options: {
    out: {
      type: 'string',
      short: 'o',
      valueName: 'DIR',
      description: 'Output directory (must be new or empty)',
    },
    dtype: {
      type: 'string',
      valueName: 'fp32|fp16|int8|int4',
      default: 'fp32',
      description: 'Weight format',
    },
    'block-size': {
      type: 'string',
      valueName: 'N',
      default: '32',
      description: 'int8/int4 block size (16..256, power of 2)',
    },
    asymmetric: { type: 'boolean', description: 'int8/int4 with per-block zero points' },
    'accuracy-level': {
      type: 'string',
      valueName: '0-4',
      default: '4',
      description:
        'int8/int4 compute precision onnxruntime may use: 4 int8 (fastest on CPU), 3 bf16, 2 fp16, 1 fp32, 0 unset',
    },
    attention: {
      type: 'string',
      valueName: 'fused|plain',
      default: 'fused',
      description: 'Decoder attention: onnxruntime contrib ops (fused) or standard ops (plain, any padding)',
    },
    force: { type: 'boolean', description: 'Replace a non-empty output directory' },
    quiet: { type: 'boolean', short: 'q', description: 'No progress bar' },
  },
  positionals: [{ name: 'CHECKPOINT', description: 'Directory with config.json and *.safetensors' }],
  examples: [
    'nvlm convert models/tiny-d --out models/tiny-d-onnx',
    'nvlm convert NVLM-D-72B --out nvlm-d-int4 --dtype int4',
  ],
  async run({ values, positionals, io }) {
    if (values.out === undefined) throw new UsageError('--out DIR is required');
    const requested = choiceOption(values.dtype, 'dtype', ['fp32', 'fp16', 'int8', 'int4'], 'fp32');
    const blockSize = intOption(values['block-size'], 'block-size', { min: 16, max: 256 }, 32);
    if ((blockSize & (blockSize - 1)) !== 0)
      throw new UsageError(`--block-size must be a power of 2, got ${blockSize}`);
    const attention = choiceOption(values.attention, 'attention', ['fused', 'plain'], 'fused');
    const accuracyLevel = intOption(values['accuracy-level'], 'accuracy-level', { min: 0, max: 4 }, 4) as
      | 0
      | 1
      | 2
      | 3
      | 4;
    const checkpoint = resolve(io.cwd, positionals[0]!);
    const out = resolve(io.cwd, values.out);
    const bar = new ProgressBar({ stream: io.stderr, label: 'converting', quiet: values.quiet });
    const started = Date.now();
    const result = await convert(checkpoint, out, {
      dtype: requested,
      blockSize,
      symmetric: !values.asymmetric,
      accuracyLevel,
      attention,
      overwrite: values.force,
      onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal, p.tensorsDone, p.tensorsTotal),
    });
    bar.finish();
    const seconds = (Date.now() - started) / 1000;
    io.stderr.write(
      `wrote ${out}: ${result.nvlm.arch} ${result.nvlm.dtype}, ${result.tensors} tensors, ` +
        `${formatBytes(result.bytesWritten)} in ${seconds.toFixed(1)} s\n`,
    );
    return 0;
  },
});
