/**
 * `image_url` parts to image bytes: `data:` URLs (base64, checked strictly), and http(s) URLs only
 * when remote images are enabled (see remote-image.ts). Every image is sniffed from its header and
 * its width x height checked against the pixel cap before anything decodes it, so a
 * decompression bomb costs a few bytes of parsing, never gigabytes of pixels.
 */
import { readImageHeader } from '@nvlm-ts/tiler';
import { ApiError } from './errors.js';
import { fetchRemoteImage, type RemoteImagePolicy } from './remote-image.js';

/** Limits applied to every image of a request. */
export interface ImagePolicy {
  /** Largest width x height accepted, from the image header. */
  maxPixels: number;
  /** Remote http(s) images; undefined = refused. */
  remote: RemoteImagePolicy | undefined;
}

const DATA_URL = /^data:([^,;]*)((?:;[^,;]*)*?)(;base64)?,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of one `image_url`, checked to be a PNG/JPEG/GIF/WebP/BMP within the pixel cap. */
export async function loadImageUrl(
  url: string,
  param: string,
  policy: ImagePolicy,
  signal: AbortSignal,
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (/^data:/i.test(url)) {
    bytes = decodeDataUrl(url, param);
  } else if (/^https?:\/\//i.test(url)) {
    if (!policy.remote) {
      throw new ApiError(
        400,
        'invalid_image_url',
        'remote image URLs are disabled on this server; send the image inline as a data: URL ' +
          '(data:image/png;base64,...), or start the server with --image-hosts',
        param,
      );
    }
    bytes = await fetchRemoteImage(url, param, policy.remote, signal);
  } else {
    throw new ApiError(
      400,
      'invalid_image_url',
      `an image URL must be a data: URL${policy.remote ? ' or an http(s) URL' : ''}, got '${url.slice(0, 40)}'`,
      param,
    );
  }
  checkImage(bytes, param, policy.maxPixels);
  return bytes;
}

function decodeDataUrl(url: string, param: string): Uint8Array {
  const match = DATA_URL.exec(url.slice(0, 512)); // the header part only: no regex work on megabytes
  if (!match)
    throw new ApiError(
      400,
      'invalid_image',
      'malformed data: URL (expected data:<type>;base64,<data>)',
      param,
    );
  const mediaType = match[1]!.toLowerCase();
  if (mediaType !== '' && !mediaType.startsWith('image/')) {
    throw new ApiError(
      400,
      'invalid_image',
      `the data: URL has media type '${mediaType}', not an image type`,
      param,
    );
  }
  if (!match[3]) {
    throw new ApiError(
      400,
      'invalid_image',
      'the data: URL must be base64-encoded (data:image/png;base64,...)',
      param,
    );
  }
  const payload = url.slice(match[0].length).replace(/\s+/g, '');
  if (payload.length === 0) throw new ApiError(400, 'invalid_image', 'the data: URL holds no data', param);
  if (!BASE64.test(payload) || payload.length % 4 === 1) {
    throw new ApiError(400, 'invalid_image', 'the data: URL is not valid base64', param);
  }
  return Buffer.from(payload, 'base64');
}

function checkImage(bytes: Uint8Array, param: string, maxPixels: number): void {
  // The whole buffer: a JPEG's frame header may follow large EXIF or ICC segments.
  const header = readImageHeader(bytes);
  if (!header) {
    throw new ApiError(
      400,
      'invalid_image',
      'the image is not a PNG, JPEG, GIF, WebP or BMP file (or its header is cut short)',
      param,
    );
  }
  if (header.width === 0 || header.height === 0) {
    throw new ApiError(
      400,
      'invalid_image',
      `the ${header.format} image is ${header.width}x${header.height}`,
      param,
    );
  }
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw new ApiError(
      400,
      'image_too_large',
      `the ${header.format} image is ${header.width}x${header.height} = ${pixels} pixels; this server accepts at most ${maxPixels}`,
      param,
    );
  }
}
