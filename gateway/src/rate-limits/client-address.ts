/**
 * Who is knocking, as far as limits are concerned: the socket's remote address, or the address a
 * trusted proxy put in X-Forwarded-For. Never the header alone: anyone can write it.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The client's address for `req`. With `trustedProxies` = 0 the header is ignored; with N, the N
 * proxies nearest the gateway are trusted, so the address is the one the farthest of them saw:
 * the N-th entry from the right of X-Forwarded-For followed by the socket's address (as Express's
 * `trust proxy` counts hops). Entries a client wrote itself lie further left and are never used.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: number): string {
  const socketAddress = req.socket.remoteAddress ?? 'unknown';
  if (trustedProxies <= 0) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, socketAddress];
  // Fewer hops than configured: the leftmost is the best we have (the chain is all from trusted proxies).
  const chosen = chain[Math.max(0, chain.length - 1 - trustedProxies)]!;
  // A proxy that writes garbage is a misconfiguration; counting by its socket keeps the limit meaningful.
  return isIP(stripPort(chosen)) ? stripPort(chosen) : socketAddress;
}

/**
 * The key limits count under: IPv4 addresses as they are (IPv4-mapped IPv6 unwrapped), IPv6 by
 * their /64 network, because one subscriber usually holds a whole /64 and could otherwise take a
 * fresh address for every attempt.
 */
export function addressKey(address: string): string {
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIP(bare) !== 6) return bare;
  return `${expandIPv6(bare).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` filled in, without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head, tail] = address.includes('::') ? (address.split('::') as [string, string]) : [address, undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  // An embedded IPv4 tail (::1.2.3.4) takes two groups; it only ever sits in the last /64.
  const left = groups(head);
  const right = groups(tail);
  const missing = Math.max(0, 8 - left.length - right.length);
  const all = tail === undefined ? left : [...left, ...Array<string>(missing).fill('0'), ...right];
  return all.map((group) => (/^[0-9a-f]+$/i.test(group) ? parseInt(group, 16).toString(16) : group));
}

/** "1.2.3.4:5678" and "[::1]:5678" as some proxies write them. */
function stripPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(entry);
  return v4 ? v4[1]! : entry;
}
