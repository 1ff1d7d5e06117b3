import { definePackageConfig } from '../../tooling/vitest.shared.ts';

export default definePackageConfig('@nvlm-ts/demo', {
  // The browser test drives Chromium through one tiny model: seconds of WASM inference per step.
  test: { testTimeout: 120_000 },
});
