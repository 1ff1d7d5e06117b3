/** `nvlm inspect`: what a config.json describes, from the config alone (no weights needed). */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { countParameters, loadConfig } from '@nvlm-ts/arch';
import { CliError, defineCommand } from '../command.js';
import { formatBytes } from '../util/progress.js';

export const inspectCommand = defineCommand({
  name: 'inspect',
  summary: 'Show the architecture, parameter counts and weight sizes a config.json describes',
  options: {
    json: { type: 'boolean', description: 'Print one JSON object' },
  },
  positionals: [{ name: 'PATH', description: 'A config.json, or a directory holding one' }],
  examples: ['nvlm inspect models/tiny-d', 'nvlm inspect NVLM-D-72B/config.json --json'],
  async run({ values, positionals, io }) {
    let path = resolve(io.cwd, positionals[0]!);
    if ((await stat(path).catch(() => undefined))?.isDirectory()) path = join(path, 'config.json');
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
    }
    const { architecture, config } = loadConfig(raw);
    const specs = architecture.weightSpecs(config);
    const part = (prefix: string) => countParameters(specs.filter((s) => s.name.startsWith(prefix)));
    const total = countParameters(specs);
    const report = {
      arch: architecture.id,
      parameters: {
        total,
        vision: part('vision_model.'),
        projector: part('mlp1.'),
        language: part('language_model.'),
      },
      vision: {
        layers: config.vision.numLayers,
        hidden: config.vision.hiddenSize,
        heads: config.vision.numHeads,
        dummy_heads: config.vision.numDummyHeads,
      },
      text: {
        layers: config.text.numLayers,
        hidden: config.text.hiddenSize,
        heads: config.text.numHeads,
        kv_heads: config.text.numKvHeads,
        vocab: config.text.vocabSize,
      },
      image_tokens_per_tile: config.imageTokensPerTile,
      max_tiles: config.maxTiles,
      cross_attention_layers: config.crossAttentionLayers,
      // Weight bytes by format (int4/int8: plus one fp32 scale per 32 weights).
      bytes: {
        fp32: total * 4,
        bf16: total * 2,
        int8: Math.round(total * (1 + 4 / 32)),
        int4: Math.round(total * (0.5 + 4 / 32)),
      },
    };
    if (values.json) {
      io.stdout.write(`${JSON.stringify(report)}\n`);
      return 0;
    }
    const n = (x: number) => x.toLocaleString('en-US');
    io.stdout.write(
      [
        `architecture  ${report.arch} (${(raw as { model_type?: string }).model_type})`,
        `parameters    ${n(total)} (vision ${n(report.parameters.vision)}, projector ${n(report.parameters.projector)}, language ${n(report.parameters.language)})`,
        `vision        ${report.vision.layers} layers, hidden ${report.vision.hidden}, ${report.vision.heads} heads + ${report.vision.dummy_heads} dummy`,
        `language      ${report.text.layers} layers, hidden ${report.text.hidden}, ${report.text.heads} heads / ${report.text.kv_heads} KV heads, vocab ${report.text.vocab}`,
        `images        ${report.image_tokens_per_tile} tokens per tile, up to ${report.max_tiles} tiles + thumbnail`,
        `weights       fp32 ${formatBytes(report.bytes.fp32)}, bf16 ${formatBytes(report.bytes.bf16)}, int8 ${formatBytes(report.bytes.int8)}, int4 ${formatBytes(report.bytes.int4)}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
});
