/**
 * Simple bar charts for generated ChartQA / MathVista / AI2D samples: one bar per label on a white
 * background, the label drawn under its bar and the value above it, so that every gold answer can be
 * read off the image.
 */
import { drawText, measureText } from './font.js';
import { COLORS, type Rgb, RgbImage } from './raster.js';

/** One bar. */
export interface Bar {
  /** Drawn under the bar (font characters only, see FONT_CHARACTERS). */
  readonly label: string;
  /** Integer in [0, 99]; drawn above the bar, which is `value * 2` pixels tall. */
  readonly value: number;
}

/** Pixel geometry of the charts. */
const TEXT_SCALE = 2;
const BAR_GAP = 16; // px between bars and at the edges
const PIXELS_PER_UNIT = 2; // bar height per value unit
const PLOT_HEIGHT = 99 * PIXELS_PER_UNIT;
const BAR_COLORS: readonly Rgb[] = [COLORS.blue, COLORS.red, COLORS.green, COLORS.yellow, COLORS.gray];

/**
 * Renders a bar chart.
 * @throws {RangeError} for no bars, a value that is not an integer in [0, 99], or a label the font
 *   cannot draw.
 */
export function renderBarChart(bars: readonly Bar[]): RgbImage {
  if (bars.length === 0) throw new RangeError("'bars' must hold at least one bar");
  const text = (s: string) => measureText(s, TEXT_SCALE);
  const barWidth = Math.max(text('99').width, ...bars.map((b) => text(b.label).width)) + 8;
  const lineHeight = text('0').height;
  const width = BAR_GAP + bars.length * (barWidth + BAR_GAP);
  const top = BAR_GAP + lineHeight + 6; // room for the tallest bar's value
  const baseline = top + PLOT_HEIGHT;
  const height = baseline + 6 + lineHeight + BAR_GAP;
  const image = new RgbImage(width, height);
  bars.forEach((bar, i) => {
    if (!Number.isInteger(bar.value) || bar.value < 0 || bar.value > 99) {
      throw new RangeError(`'bars[${i}].value' must be an integer in [0, 99], got ${bar.value}`);
    }
    const left = BAR_GAP + i * (barWidth + BAR_GAP);
    const barHeight = bar.value * PIXELS_PER_UNIT;
    image.fillRect(left, baseline - barHeight, barWidth, barHeight, BAR_COLORS[i % BAR_COLORS.length] as Rgb);
    const value = String(bar.value);
    drawText(
      image,
      value,
      left + (barWidth - text(value).width) / 2,
      baseline - barHeight - 4 - lineHeight,
      TEXT_SCALE,
      COLORS.black,
    );
    drawText(
      image,
      bar.label,
      left + (barWidth - text(bar.label).width) / 2,
      baseline + 6,
      TEXT_SCALE,
      COLORS.black,
    );
  });
  image.fillRect(BAR_GAP / 2, baseline, width - BAR_GAP, 2, COLORS.black); // x axis
  return image;
}
