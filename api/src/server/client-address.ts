/**
 * The address a request came from, which keys anonymous rate limits and votes. Behind
 * proxies, `X-Forwarded-For` lists one address per hop, each *appended* by the proxy that
 * received the request — only the entries our own proxies appended can be trusted, and
 * those are the rightmost. With `trustedHops` proxies the client is the entry that many
 * places from the right; whatever the client wrote itself further left is ignored.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** An address as proxies write it, without a port or IPv6 brackets; undefined when it is not one. */
export function normalizeAddress(value: string): string | undefined {
  let text = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1]) text = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  if (text.startsWith('::ffff:') && isIP(text.slice(7)) === 4) text = text.slice(7);
  return isIP(text) ? text.toLowerCase() : undefined;
}

/**
 * The client address of a request: the socket's, or with `trustedHops` > 0 the entry of
 * `X-Forwarded-For` that many places from the right (the leftmost when there are fewer).
 * An entry that is not an IP address falls back to the socket's address.
 */
export function clientAddress(request: Request, req: IncomingMessage | undefined, trustedHops: number): string {
  const socket = (req?.socket.remoteAddress && normalizeAddress(req.socket.remoteAddress)) || 'local';
  if (trustedHops <= 0) return socket;
  const hops = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (hops.length === 0) return socket;
  const entry = hops[Math.max(0, hops.length - trustedHops)];
  return (entry && normalizeAddress(entry)) || socket;
}
