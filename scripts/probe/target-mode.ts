/** Whether a probed gateway runs as in production: some safe answers differ by design in development. */
import type { ProbeTarget } from './attack.js';

const WAIT_MS = 5000;

/** Development gateways serve Apollo Sandbox and run on a laptop; anything else is held to production rules. */
export async function looksLikeProduction(target: ProbeTarget): Promise<{ production: boolean; why: string }> {
  const host = new URL(target.httpUrl).hostname;
  if (!['localhost', '127.0.0.1', '[::1]'].includes(host)) return { production: true, why: `served from ${host}` };
  const res = await fetch(target.httpUrl, { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(WAIT_MS) });
  const html = res.ok && (res.headers.get('content-type') ?? '').includes('text/html');
  await res.body?.cancel();
  return html ? { production: false, why: 'serves Apollo Sandbox on a loopback address (development)' } : { production: true, why: 'no Sandbox page' };
}
