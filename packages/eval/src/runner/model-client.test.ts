import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import { type GeneratingPipeline, type PipelineRequest, pipelineClient } from './model-client.js';
import type { CompletionRequest } from './types.js';

const request = (overrides: Partial<CompletionRequest> = {}): CompletionRequest => ({
  system: 'sys',
  prompt: '<image>\nQ?',
  images: [Uint8Array.of(1)],
  maxNewTokens: 5,
  temperature: 0,
  seed: 1234,
  stop: ['\n'],
  signal: new AbortController().signal,
  ...overrides,
});

function fake(answer: (r: PipelineRequest) => Promise<{ text: string; finishReason?: string }>) {
  const seen: PipelineRequest[] = [];
  const pipeline: GeneratingPipeline = {
    generate(r) {
      seen.push(r);
      return { result: answer(r).then((a) => ({ ...a, usage: { promptTokens: 12, completionTokens: 2 } })) };
    },
  };
  return { pipeline, seen };
}

describe('pipelineClient', () => {
  it('passes prompt, system, images and sampling settings through and returns text and usage', async () => {
    const { pipeline, seen } = fake(async () => ({ text: 'yes', finishReason: 'stop' }));
    const client = pipelineClient(pipeline, { id: 'model:/m' });
    expect(client.concurrency).toBe(1);
    const r = request();
    expect(await client.complete(r)).toEqual({ text: 'yes', promptTokens: 12, completionTokens: 2 });
    expect(seen[0]).toEqual({
      prompt: '<image>\nQ?',
      system: 'sys',
      images: r.images,
      maxNewTokens: 5,
      temperature: 0,
      seed: 1234,
      stop: ['\n'],
      signal: r.signal,
    });
  });

  it('runtime errors are MODEL_ERROR, not retryable, naming the error', async () => {
    const failure = Object.assign(new Error('image 0 cannot be decoded'), {
      name: 'RuntimeError',
      code: 'BAD_IMAGES',
    });
    const { pipeline } = fake(async () => {
      throw failure;
    });
    const error = await pipelineClient(pipeline, { id: 'model:/m' })
      .complete(request())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvaluationError);
    expect(error).toMatchObject({ code: 'MODEL_ERROR', retryable: false });
    expect((error as Error).message).toBe('model:/m: RuntimeError [BAD_IMAGES]: image 0 cannot be decoded');
    expect((error as Error).cause).toBe(failure);
  });

  it('an aborted generation (partial text) is not an answer', async () => {
    const controller = new AbortController();
    const { pipeline } = fake(async () => {
      controller.abort();
      return { text: 'par', finishReason: 'abort' };
    });
    const error = await pipelineClient(pipeline, { id: 'm' })
      .complete(request({ signal: controller.signal }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODEL_ERROR', retryable: true });
  });

  it('rejects bad options', () => {
    const { pipeline } = fake(async () => ({ text: '' }));
    expect(() => pipelineClient(pipeline, { id: 'm', concurrency: 0 })).toThrow(RangeError);
    expect(() => pipelineClient(pipeline, { id: '' })).toThrow(TypeError);
  });
});
