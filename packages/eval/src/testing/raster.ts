/**
 * A tiny RGB raster for drawing generated test images (rectangles and bitmap text) before they are
 * PNG-encoded; pixels are 8-bit R, G, B, rows top to bottom.
 */

/** An RGB colour, each channel an integer in [0, 255]. */
export type Rgb = readonly [number, number, number];

/** Named colours used by the generators (and in their gold answers). */
export const COLORS = {
  white: [255, 255, 255],
  black: [0, 0, 0],
  red: [220, 30, 30],
  green: [30, 160, 50],
  blue: [30, 60, 220],
  yellow: [240, 210, 20],
  gray: [128, 128, 128],
} as const satisfies Record<string, Rgb>;

/** A mutable RGB image. */
export class RgbImage {
  /** `width * height * 3` bytes. */
  readonly data: Uint8Array;

  /**
   * @param width pixels, an integer in [1, 16384].
   * @param height pixels, an integer in [1, 16384].
   * @param background initial colour of every pixel.
   */
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = COLORS.white,
  ) {
    for (const [name, value] of [
      ['width', width],
      ['height', height],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 16_384) {
        throw new RangeError(`'${name}' must be an integer in [1, 16384], got ${value}`);
      }
    }
    this.data = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** Fills the rectangle `[x, x + w) × [y, y + h)`, clipped to the image. */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w));
    const y1 = Math.min(this.height, Math.floor(y + h));
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) {
        const i = (yy * this.width + xx) * 3;
        this.data[i] = color[0];
        this.data[i + 1] = color[1];
        this.data[i + 2] = color[2];
      }
    }
  }

  /** The colour at `(x, y)`. */
  pixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.data[i] as number, this.data[i + 1] as number, this.data[i + 2] as number];
  }
}
