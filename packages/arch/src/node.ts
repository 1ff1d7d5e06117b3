/** Node entry of @nvlm-ts/arch: the platform-free API plus tiny models and conversion (fs). */
export * from './index.js';
export {
  type ConvertOptions,
  type ConvertProgress,
  type ConvertResult,
  convert,
  type NvlmJson,
} from './node/convert.js';
export { type InitTinyOptions, type InitTinyResult, initTiny } from './node/init-tiny.js';
