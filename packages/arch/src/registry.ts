/**
 * Every architecture nvlm-ts knows, statically imported (STYLE.md rule 7), and lookup by
 * config.json `model_type`.
 */
import type { Architecture } from './architecture.js';
import { nvlmD } from './architectures/nvlm-d.js';
import { nvlmH } from './architectures/nvlm-h.js';
import { nvlmX } from './architectures/nvlm-x.js';
import type { NvlmArchId } from './config/nvlm.js';
import { ArchError } from './errors.js';

export const ARCHITECTURES = {
  'nvlm-d': nvlmD,
  'nvlm-x': nvlmX,
  'nvlm-h': nvlmH,
} as const satisfies Record<NvlmArchId, Architecture>;

/** Other spellings of `model_type` seen in the wild, mapped to a registered one. */
export const MODEL_TYPE_ALIASES: Readonly<Record<string, string>> = {
  nvlm_d: 'NVLM_D',
  'nvlm-d': 'NVLM_D',
  nvlm_x: 'NVLM_X',
  'nvlm-x': 'NVLM_X',
  nvlm_h: 'NVLM_H',
  'nvlm-h': 'NVLM_H',
};

/** The architecture for a config.json `model_type`; `UNSUPPORTED_MODEL_TYPE` lists the known ones. */
export function resolveArchitecture(modelType: unknown): Architecture {
  const requested = typeof modelType === 'string' ? modelType : '';
  const canonical = MODEL_TYPE_ALIASES[requested] ?? requested;
  for (const architecture of Object.values(ARCHITECTURES) as Architecture[]) {
    if (architecture.modelTypes.includes(canonical)) return architecture;
  }
  const known = (Object.values(ARCHITECTURES) as Architecture[]).flatMap((a) => a.modelTypes);
  throw new ArchError(
    'UNSUPPORTED_MODEL_TYPE',
    `config.json model_type ${JSON.stringify(modelType ?? null)} is not supported; supported: ${known.join(', ')}`,
  );
}

/** Parses a config.json object with the architecture its `model_type` names. */
export function loadConfig(raw: unknown) {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ArchError('INVALID_CONFIG', 'config.json must be a JSON object');
  }
  const architecture = resolveArchitecture((raw as { model_type?: unknown }).model_type);
  return { architecture, config: architecture.parseConfig(raw) };
}
