/**
 * An open-addressing hash table from a token-id pair `(left, right)` to its merge rank and merged id.
 * Each slot is four consecutive Int32 (left, right, rank, merged), so a probe touches one cache line;
 * no string keys, no per-entry objects, one multiply-xor hash per lookup.
 */

const EMPTY = -1;

/** Maps `(left, right)` to `(rank, merged)`. */
export class PairTable {
  private readonly mask: number;
  /** `[left, right, rank, merged]` per slot; left = -1 marks an empty slot. */
  private readonly slots: Int32Array;
  /** Number of pairs stored. */
  size = 0;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 1.6) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(4 * capacity);
    for (let i = 0; i < this.slots.length; i += 4) this.slots[i] = EMPTY;
  }

  private home(left: number, right: number): number {
    return (Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 0x7f4a7c15, 0x85ebca77)) & this.mask;
  }

  /** Stores a pair; a pair seen again takes the later rank (as the Rust HashMap collect does). */
  set(left: number, right: number, rank: number, merged: number): void {
    const slots = this.slots;
    let i = this.home(left, right);
    for (;;) {
      const l = slots[4 * i]!;
      if (l === EMPTY) {
        this.size++;
        break;
      }
      if (l === left && slots[4 * i + 1] === right) break;
      i = (i + 1) & this.mask;
    }
    slots[4 * i] = left;
    slots[4 * i + 1] = right;
    slots[4 * i + 2] = rank;
    slots[4 * i + 3] = merged;
  }

  /** Slot index of the pair, or -1 when absent. */
  find(left: number, right: number): number {
    const slots = this.slots;
    let i = this.home(left, right);
    for (;;) {
      const l = slots[4 * i]!;
      if (l === EMPTY) return -1;
      if (l === left && slots[4 * i + 1] === right) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** Rank stored at a slot returned by {@link find}. */
  rankAt(slot: number): number {
    return this.slots[4 * slot + 2]!;
  }

  /** Merged id stored at a slot returned by {@link find}. */
  mergedAt(slot: number): number {
    return this.slots[4 * slot + 3]!;
  }
}
