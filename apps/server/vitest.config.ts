import { definePackageConfig } from '../../tooling/vitest.shared.ts';

export default definePackageConfig('@nvlm-ts/server', {
  test: { globalSetup: ['./src/testing/global-setup.ts'] },
});
