import { describe, expect, it } from 'vitest';
import {
  addressClass,
  checkAddress,
  EMPTY_ALLOW_LIST,
  isHostAllowed,
  parseAllowList,
  urlTargetProblem,
} from './safe-target';

describe('addressClass', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fec0::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'],
    // IPv6 forms that carry an IPv4 address are classed as that address.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'reserved'],
    // Public unicast.
    ['93.184.216.34', null],
    ['8.8.8.8', null],
    ['100.128.0.1', null],
    ['172.32.0.1', null],
    ['2606:4700::1111', null],
    ['::ffff:8.8.8.8', null],
  ])('%s is %s', (address, expected) => {
    expect(addressClass(address)).toBe(expected);
  });

  it('is undefined for a host name', () => {
    expect(addressClass('example.com')).toBeUndefined();
    expect(addressClass('localhost')).toBeUndefined();
  });
});

describe('urlTargetProblem: IP literals in every notation a URL reads', () => {
  it.each([
    ['http://127.0.0.1:5432/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://0xa9fea9fe/', 'link-local'],
    ['http://2852039166/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://10.0.0.1/', 'private'],
    ['http://012.0.0.1/', 'private'],
    ['http://0xa000001/', 'private'],
    ['http://192.168.0.1:8080/x', 'private'],
    ['https://[fd12:3456::1]/', 'unique-local'],
    ['http://100.64.1.1/', 'CGNAT'],
    ['http://224.0.0.251/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://255.255.255.255/', 'reserved'],
    ['http://[2001:db8::1]/', 'reserved'],
  ])('%s is refused as %s', (url, addressClassName) => {
    const article = addressClassName === 'unspecified' ? 'an' : 'a';
    expect(urlTargetProblem(EMPTY_ALLOW_LIST, url)).toMatch(
      new RegExp(`is ${article} ${addressClassName} address`),
    );
  });

  it.each([
    'https://discord.com/api/webhooks/1/abc',
    'http://93.184.216.34/hook',
    'http://[2606:4700::1111]/',
    'http://localhost:4000/webhook', // a host name: checked when connecting
    'not a url',
  ])('%s passes (public, a host name, or no URL)', (url) => {
    expect(urlTargetProblem(EMPTY_ALLOW_LIST, url)).toBeUndefined();
  });

  it('names the address and what to do about it', () => {
    expect(urlTargetProblem(EMPTY_ALLOW_LIST, 'http://0x7f000001/')).toBe(
      '127.0.0.1 is a loopback address: webhooks may not reach loopback (this machine) addresses unless WEBHOOK_ALLOWED_HOSTS lists them',
    );
  });

  it('lets through what WEBHOOK_ALLOWED_HOSTS lists, by address, CIDR or name', () => {
    const allow = parseAllowList(['127.0.0.1', '::1', '10.1.0.0/16', 'dummy-webhook', 'LocalHost.']);

    expect(urlTargetProblem(allow, 'http://127.0.0.1:4000/webhook')).toBeUndefined();
    expect(urlTargetProblem(allow, 'http://2130706433/')).toBeUndefined();
    expect(urlTargetProblem(allow, 'http://[::ffff:127.0.0.1]/')).toBeUndefined();
    expect(urlTargetProblem(allow, 'http://[::1]:4000/')).toBeUndefined();
    expect(urlTargetProblem(allow, 'http://10.1.200.3/')).toBeUndefined();
    expect(urlTargetProblem(allow, 'http://127.0.0.2/')).toMatch(/127\.0\.0\.2 is a loopback address/);
    expect(urlTargetProblem(allow, 'http://10.2.0.1/')).toMatch(/is a private address/);
    expect(isHostAllowed(allow, 'localhost')).toBe(true);
    expect(isHostAllowed(allow, 'DUMMY-WEBHOOK')).toBe(true);
    expect(isHostAllowed(allow, 'example.com')).toBe(false);
  });
});

describe('checkAddress (the connect-time check)', () => {
  const allow = parseAllowList(['127.0.0.1', '::1']);

  it.each([
    ['127.0.0.1', 'allowed'],
    ['::1', 'allowed'],
    ['::ffff:127.0.0.1', 'allowed'],
    ['127.0.0.2', 'refused'],
    ['169.254.169.254', 'refused'],
    ['fd00::1', 'refused'],
    ['8.8.8.8', 'allowed'],
  ])('%s is %s', (address, kind) => {
    expect(checkAddress(allow, address).kind).toBe(kind);
  });

  it('writes an IPv6 address in brackets', () => {
    expect(checkAddress(EMPTY_ALLOW_LIST, 'fe80::1')).toMatchObject({
      kind: 'refused',
      address: '[fe80::1]',
      addressClass: 'link-local',
    });
  });
});
