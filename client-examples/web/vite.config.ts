/**
 * The live page's dev server (`npm run web`, port 5173) and build. By default the page talks to its
 * own origin: /graphql, HTTP and graphql-ws, is proxied to the gateway named by VITE_GATEWAY_URL
 * (default http://localhost:4000/graphql). Built with VITE_GRAPHQL_URL, the page calls that gateway
 * directly instead, which then must list the page's origin in its CORS_ORIGINS (see src/apollo.ts).
 */
import type { IncomingMessage } from 'node:http';
import { defineConfig, loadEnv, type ProxyOptions } from 'vite';
import react from '@vitejs/plugin-react';

export const DEFAULT_GATEWAY_URL = 'http://localhost:4000/graphql';

/** Proxies the page's /graphql (HTTP and WebSocket upgrades) to `gatewayUrl`. */
export function graphqlProxy(gatewayUrl: string): Record<string, ProxyOptions> {
  const target = new URL(gatewayUrl);
  return {
    '/graphql': {
      target: target.origin,
      ws: true,
      changeOrigin: true,
      rewrite: (path) => path.replace(/^\/graphql/, target.pathname),
      // The gateway refuses WebSocket upgrades from origins it does not list. Sockets from this
      // server's own page are the proxy's to vouch for: it forwards them as a client with no Origin.
      // A page elsewhere keeps its Origin, and the gateway refuses it as it would refuse it directly.
      configure: (proxy) => {
        proxy.on('proxyReqWs', (proxyReq, req) => {
          if (isOwnPage(req)) proxyReq.removeHeader('origin');
        });
      },
    },
  };
}

/** The request comes from a page this server served: its Origin names this server's host. */
function isOwnPage(req: IncomingMessage): boolean {
  const { origin, host } = req.headers;
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

export default defineConfig(({ mode }) => {
  const gatewayUrl = process.env.VITE_GATEWAY_URL ?? loadEnv(mode, process.cwd(), 'VITE_').VITE_GATEWAY_URL ?? DEFAULT_GATEWAY_URL;
  return {
    plugins: [react()],
    server: { port: 5173, strictPort: true, proxy: graphqlProxy(gatewayUrl) },
    preview: { port: 4173, proxy: graphqlProxy(gatewayUrl) },
  };
});
