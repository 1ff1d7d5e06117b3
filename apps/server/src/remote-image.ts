/**
 * Fetching http(s) images for `image_url`, only when enabled, with the server-side request forgery
 * defences OWASP lists (https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html):
 * a host allowlist, every resolved address checked against private, loopback, link-local,
 * multicast and reserved ranges at connect time (a custom `lookup`, so DNS rebinding between check
 * and connect is impossible), redirects re-checked hop by hop, a total timeout and a byte cap.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { ApiError } from './errors.js';

/** How remote images may be fetched. */
export interface RemoteImagePolicy {
  /** Host names allowed: exact (`images.example.com`), a suffix (`*.example.com`), or `*` for any. */
  allowHosts: readonly string[];
  /** Allow private, loopback and link-local addresses (default false: refused). */
  allowPrivate?: boolean;
  /** Total time for one image, connect to last byte, ms (default 10000). */
  timeoutMs?: number;
  /** Largest image accepted, bytes (default 20 MiB). */
  maxBytes?: number;
}

const MAX_REDIRECTS = 3;

/** Addresses a public image URL must never reach (IANA special-purpose registries). */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata at 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['2001:db8::', 32], // documentation
  ['100::', 64], // discard
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/** Whether `address` (IPv4 or IPv6, IPv4-mapped and NAT64/6to4-embedded forms included) is non-public. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse
  const lower = address.toLowerCase();
  const embedded = embeddedIpv4(lower);
  if (embedded !== undefined) return BLOCKED.check(embedded, 'ipv4');
  return BLOCKED.check(lower, 'ipv6');
}

/** The IPv4 address inside ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96 and 2002::/16 forms. */
function embeddedIpv4(v6: string): string | undefined {
  const groups = expandIpv6(v6);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (zeros(5) && (groups[5] === 0xffff || groups[5] === 0) && !(groups[5] === 0 && groups[6] === 0)) {
    return v4(groups[6]!, groups[7]!); // IPv4-mapped or IPv4-compatible
  }
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) {
    return v4(groups[6]!, groups[7]!); // NAT64
  }
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!); // 6to4
  return undefined;
}

function expandIpv6(v6: string): number[] | undefined {
  let text = v6.split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, -dotted[1]!.length)}${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const a = parse(head);
  const b = tail === undefined ? [] : parse(tail);
  const fill = tail === undefined ? 0 : 8 - a.length - b.length;
  const groups = [...a, ...new Array<number>(Math.max(0, fill)).fill(0), ...b];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

/** Whether `host` (lower case, no brackets) is on the allowlist. */
export function hostAllowed(host: string, allowHosts: readonly string[]): boolean {
  return allowHosts.some((entry) => {
    const e = entry.toLowerCase().replace(/^\[|\]$/g, '');
    if (e === '*') return true;
    if (e.startsWith('*.')) return host.endsWith(e.slice(1));
    return host === e;
  });
}

/** Downloads one image under `policy`, or throws ApiError 400 `invalid_image_url` saying why. */
export async function fetchRemoteImage(
  url: string,
  param: string,
  policy: RemoteImagePolicy,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const timeoutMs = policy.timeoutMs ?? 10_000;
  const maxBytes = policy.maxBytes ?? 20 * 2 ** 20;
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const target = checkUrl(current, param, policy);
    const response = await get(target, policy, deadline, param, timeoutMs);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      current = new URL(response.headers.location, target).href;
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new ApiError(400, 'invalid_image_url', `fetching the image failed: HTTP ${status}`, param);
    }
    return readCapped(response, maxBytes, param, deadline, timeoutMs);
  }
  throw new ApiError(400, 'invalid_image_url', `more than ${MAX_REDIRECTS} redirects`, param);
}

function checkUrl(url: string, param: string, policy: RemoteImagePolicy): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ApiError(400, 'invalid_image_url', 'the image URL is not a valid URL', param);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new ApiError(400, 'invalid_image_url', `image URLs must be http(s), got ${target.protocol}`, param);
  }
  if (target.username || target.password) {
    throw new ApiError(400, 'invalid_image_url', 'image URLs must not carry credentials', param);
  }
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (!hostAllowed(host, policy.allowHosts)) {
    throw new ApiError(
      400,
      'invalid_image_url',
      `the image host '${host}' is not on this server's allowlist`,
      param,
    );
  }
  if (isIP(host) && !policy.allowPrivate && isPrivateAddress(host)) throw privateAddress(host, param);
  return target;
}

function privateAddress(address: string, param: string): ApiError {
  return new ApiError(
    400,
    'invalid_image_url',
    `the image host resolves to ${address}, a private, loopback or link-local address, which this server refuses`,
    param,
  );
}

class RefusedAddress extends Error {
  constructor(readonly address: string) {
    super(`refused address ${address}`);
  }
}

/** dns.lookup that fails for non-public addresses: the check happens where the socket connects. */
function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const refused = addresses.find((a) => !allowPrivate && isPrivateAddress(a.address));
      if (refused) return callback(new RefusedAddress(refused.address), '');
      if (addresses.length === 0) return callback(new Error(`no address for ${hostname}`), '');
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function get(
  target: URL,
  policy: RemoteImagePolicy,
  signal: AbortSignal,
  param: string,
  timeoutMs: number,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
      method: 'GET',
      headers: { accept: 'image/*', 'user-agent': 'nvlm-ts-server' },
      lookup: guardedLookup(policy.allowPrivate ?? false) as never,
      signal,
    });
    request.on('response', resolve);
    request.on('error', (error) => reject(fetchError(error, param, signal, timeoutMs)));
    request.end();
  });
}

function fetchError(error: unknown, param: string, signal: AbortSignal, timeoutMs: number): ApiError {
  if (error instanceof RefusedAddress) return privateAddress(error.address, param);
  if (signal.aborted) {
    return new ApiError(
      400,
      'invalid_image_url',
      `fetching the image took longer than ${timeoutMs} ms`,
      param,
    );
  }
  return new ApiError(
    400,
    'invalid_image_url',
    `fetching the image failed: ${(error as Error).message}`,
    param,
  );
}

async function readCapped(
  response: IncomingMessage,
  maxBytes: number,
  param: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Uint8Array> {
  const declared = Number(response.headers['content-length']);
  const tooBig = () =>
    new ApiError(
      400,
      'invalid_image_url',
      `the image is larger than this server's limit of ${maxBytes} bytes`,
      param,
    );
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooBig();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        response.destroy();
        throw tooBig();
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw fetchError(error, param, signal, timeoutMs);
  }
  return Buffer.concat(chunks);
}
