/**
 * Prometheus metrics in the text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). Hand-written: a handful of
 * counters, two histograms and gauges read at scrape time do not justify prom-client's registry.
 * Names follow vLLM's `vllm:` metrics where one matches, under the `nvlm_` prefix.
 */

/** Latency buckets in seconds (vLLM's time-to-first-token buckets, extended). */
const SECONDS_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
] as const;

class Histogram {
  readonly counts = new Array<number>(SECONDS_BUCKETS.length).fill(0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < SECONDS_BUCKETS.length; i++) {
      if (seconds <= SECONDS_BUCKETS[i]!) {
        this.counts[i]!++;
        break;
      }
    }
  }

  render(name: string): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    SECONDS_BUCKETS.forEach((bound, i) => {
      cumulative += this.counts[i]!;
      lines.push(`${name}_bucket{le="${bound}"} ${cumulative}`);
    });
    lines.push(`${name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${name}_sum ${this.sum}`, `${name}_count ${this.count}`);
    return lines;
  }
}

/** Live values read when /metrics is scraped. */
export interface MetricGauges {
  running(): number;
  waiting(): number;
}

/** What one finished generation adds. */
export interface GenerationSample {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  ttftSeconds: number | undefined;
  latencySeconds: number;
  tiles: number;
  tilesEncoded: number;
}

export class Metrics {
  readonly #requests = new Map<string, number>();
  #promptTokens = 0;
  #completionTokens = 0;
  #cachedTokens = 0;
  #tiles = 0;
  #tilesEncoded = 0;
  #aborted = 0;
  readonly #ttft = new Histogram();
  readonly #latency = new Histogram();

  constructor(readonly gauges: MetricGauges) {}

  /** Counts one answered HTTP request. */
  request(route: string, status: number): void {
    const key = `route="${escapeLabel(route)}",status="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
  }

  /** Records a generation that ran to its end. */
  generation(sample: GenerationSample): void {
    this.#promptTokens += sample.promptTokens;
    this.#completionTokens += sample.completionTokens;
    this.#cachedTokens += sample.cachedTokens;
    this.#tiles += sample.tiles;
    this.#tilesEncoded += sample.tilesEncoded;
    if (sample.ttftSeconds !== undefined) this.#ttft.observe(sample.ttftSeconds);
    this.#latency.observe(sample.latencySeconds);
  }

  /** Counts a generation cut short by a client disconnect or shutdown. */
  aborted(): void {
    this.#aborted++;
  }

  /** The exposition text. */
  render(): string {
    const out: string[] = [];
    const metric = (name: string, type: string, help: string, lines: string[]) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
    metric(
      'nvlm_http_requests_total',
      'counter',
      'HTTP requests answered, by route and status.',
      [...this.#requests].map(([labels, n]) => `nvlm_http_requests_total{${labels}} ${n}`),
    );
    metric('nvlm_prompt_tokens_total', 'counter', 'Prompt tokens processed (image tokens included).', [
      `nvlm_prompt_tokens_total ${this.#promptTokens}`,
    ]);
    metric('nvlm_prompt_cached_tokens_total', 'counter', 'Prompt tokens served from the prefix KV cache.', [
      `nvlm_prompt_cached_tokens_total ${this.#cachedTokens}`,
    ]);
    metric('nvlm_generation_tokens_total', 'counter', 'Tokens generated.', [
      `nvlm_generation_tokens_total ${this.#completionTokens}`,
    ]);
    metric('nvlm_image_tiles_total', 'counter', 'Image tiles in requests (448 px tiles and thumbnails).', [
      `nvlm_image_tiles_total ${this.#tiles}`,
    ]);
    metric(
      'nvlm_image_tiles_encoded_total',
      'counter',
      'Image tiles run through the vision encoder (feature-cache misses).',
      [`nvlm_image_tiles_encoded_total ${this.#tilesEncoded}`],
    );
    metric(
      'nvlm_generations_aborted_total',
      'counter',
      'Generations cut short by a disconnect or shutdown.',
      [`nvlm_generations_aborted_total ${this.#aborted}`],
    );
    metric(
      'nvlm_time_to_first_token_seconds',
      'histogram',
      'Request arrival to first generated token.',
      this.#ttft.render('nvlm_time_to_first_token_seconds'),
    );
    metric(
      'nvlm_e2e_request_latency_seconds',
      'histogram',
      'Request arrival to last generated token.',
      this.#latency.render('nvlm_e2e_request_latency_seconds'),
    );
    metric('nvlm_num_requests_running', 'gauge', 'Generations holding a slot.', [
      `nvlm_num_requests_running ${this.gauges.running()}`,
    ]);
    metric('nvlm_num_requests_waiting', 'gauge', 'Requests queued for a slot.', [
      `nvlm_num_requests_waiting ${this.gauges.waiting()}`,
    ]);
    return `${out.join('\n')}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
