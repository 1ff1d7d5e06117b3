import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliWorkspace } from '../testing/workspace.js';

const workspace = useCliWorkspace('init-tiny');
const run = (argv: string[]) => workspace.run(argv);

describe('nvlm init-tiny', () => {
  it('writes a tiny NVLM-D checkpoint relative to the working directory', async () => {
    const { code, out, err } = await run(['init-tiny', '--arch', 'd', '--out', 'tiny', '--seed', '3']);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toMatch(/^wrote .*tiny: \d+ tensors, [\d,]+ parameters, [\d.]+ MiB of weights\n$/);
    const files = await readdir(join(workspace.root, 'tiny'));
    expect(files).toContain('model.safetensors');
    const config = JSON.parse(await readFile(join(workspace.root, 'tiny', 'config.json'), 'utf8'));
    expect(config.model_type).toBe('NVLM_D');
    expect(config.vision_config.image_size).toBe(448);
  });

  it('refuses an existing directory with one line and exit 1, then replaces it with --force', async () => {
    const again = await run(['init-tiny', '--out', 'tiny']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      /^nvlm: ArchError \[OUTPUT_EXISTS\]: output directory .*tiny exists and is not empty\n$/,
    );
    const forced = await run(['init-tiny', '--out', 'tiny', '--force']);
    expect(forced.code).toBe(0);
  });

  it.each([
    [['init-tiny'], /--out DIR is required/],
    [['init-tiny', '--out', 'x', '--arch', 'q'], /--arch must be one of d, x, h, got 'q'/],
    [['init-tiny', '--out', 'x', '--seed=-1'], /--seed must be an integer in \[0, 4294967295\], got '-1'/],
    [['init-tiny', '--out', 'x', '--dtype', 'fp8'], /--dtype must be one of f32, bf16/],
  ])('rejects %j as a usage error', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toContain("(see 'nvlm init-tiny --help')");
  });
});
