import { describe, expect, it } from 'vitest';
import { hostAllowed, isPrivateAddress } from './remote-image.js';

describe('isPrivateAddress', () => {
  // Expected values from the IANA IPv4/IPv6 special-purpose address registries.
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['10.0.0.1', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:169.254.169.254', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::a9fe:a9fe', true], // NAT64 of 169.254.169.254
    ['2002:7f00:1::', true], // 6to4 of 127.0.0.1
    ['2606:4700:4700::1111', false],
    ['not-an-address', true],
  ])('%s -> %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('hostAllowed', () => {
  it('matches exact names, *.suffix and *', () => {
    expect(hostAllowed('images.example.com', ['images.example.com'])).toBe(true);
    expect(hostAllowed('evil.com', ['images.example.com'])).toBe(false);
    expect(hostAllowed('a.cdn.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('notexample.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('anything.org', ['*'])).toBe(true);
    expect(hostAllowed('::1', ['[::1]'])).toBe(true);
    expect(hostAllowed('x.com', [])).toBe(false);
  });
});
