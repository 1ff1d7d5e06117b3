/**
 * Stop strings over streamed text: emits text as it comes, except a tail that could still become
 * a stop string, and cuts the output at the first stop string found (not included), as vLLM and
 * the OpenAI API do.
 */
export class StopStringMatcher {
  readonly #stops: readonly string[];
  readonly #hold: number;
  #pending = '';

  constructor(stops: readonly string[]) {
    for (const s of stops) {
      if (typeof s !== 'string' || s === '') throw new TypeError(`'stop' entries must be non-empty strings`);
    }
    this.#stops = stops;
    this.#hold = Math.max(0, ...stops.map((s) => s.length - 1));
  }

  /**
   * Adds newly decoded text. Returns the text that is safe to emit now and whether a stop
   * string was hit (then nothing after it is ever emitted).
   */
  push(text: string): { text: string; stopped: boolean } {
    this.#pending += text;
    let cut = -1;
    for (const stop of this.#stops) {
      const at = this.#pending.indexOf(stop);
      if (at !== -1 && (cut === -1 || at < cut)) cut = at;
    }
    if (cut !== -1) {
      const out = this.#pending.slice(0, cut);
      this.#pending = '';
      return { text: out, stopped: true };
    }
    // Hold back the longest tail that is a prefix of some stop string.
    let keep = 0;
    for (let n = Math.min(this.#hold, this.#pending.length); n > 0; n--) {
      const tail = this.#pending.slice(-n);
      if (this.#stops.some((s) => s.startsWith(tail))) {
        keep = n;
        break;
      }
    }
    const out = this.#pending.slice(0, this.#pending.length - keep);
    this.#pending = this.#pending.slice(this.#pending.length - keep);
    return { text: out, stopped: false };
  }

  /** Text held back at the end of generation (no stop string followed it). */
  flush(): string {
    const out = this.#pending;
    this.#pending = '';
    return out;
  }
}
