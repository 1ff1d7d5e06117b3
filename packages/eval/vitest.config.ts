import { definePackageConfig } from '../../tooling/vitest.shared.ts';

export default definePackageConfig('@nvlm-ts/eval');
