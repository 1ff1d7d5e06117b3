/** Command-line options shared by the commands that run a model (`generate`, `serve`). */
import { choiceOption, intOption, type OptionSpec } from '../command.js';

/** `--backend` and `--threads`, spread into a command's options. */
export const RUNTIME_OPTIONS = {
  backend: {
    type: 'string',
    valueName: 'cpu|cuda|webgpu',
    default: 'cpu',
    description: 'onnxruntime backend',
  },
  threads: { type: 'string', valueName: 'N', description: 'onnxruntime intra-op threads' },
} as const satisfies Record<string, OptionSpec>;

/** The pipeline options `--backend` and `--threads` ask for. */
export function runtimeOptions(values: { backend: string; threads: string | undefined }): {
  backends: ['cpu' | 'cuda' | 'webgpu'];
  threads?: number;
} {
  const backend = choiceOption(values.backend, 'backend', ['cpu', 'cuda', 'webgpu'], 'cpu');
  const threads =
    values.threads === undefined ? undefined : intOption(values.threads, 'threads', { min: 1, max: 1024 }, 1);
  return { backends: [backend], ...(threads !== undefined && { threads }) };
}
