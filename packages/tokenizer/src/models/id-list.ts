/**
 * A growable list of token ids backed by a pre-sized JS array: appending writes by index instead of
 * `push`, so a 300k-token encode does not pay for repeated array growth.
 */
export class IdList {
  /** Backing array; entries at and after `length` are holes or stale. Hot loops write here directly. */
  values: number[];
  /** Number of ids. */
  length = 0;

  /** `capacity` is a size hint (e.g. the text length); the list grows past it if needed. */
  constructor(capacity = 16) {
    this.values = new Array<number>(Math.max(0, Math.min(capacity, 1 << 24)));
  }

  push(id: number): void {
    this.values[this.length++] = id;
  }

  /** The ids as a plain array (the list must not be used afterwards). */
  toArray(): number[] {
    const values = this.values;
    values.length = this.length;
    return values;
  }
}
