/**
 * The live page's dev server (`npm run web`, port 5173) and build. The gateway sends no CORS headers,
 * so the page talks to its own origin: /graphql, HTTP and graphql-ws, is proxied to the gateway
 * named by VITE_GATEWAY_URL (default http://localhost:4000/graphql).
 */
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
    },
  };
}

export default defineConfig(({ mode }) => {
  const gatewayUrl = process.env.VITE_GATEWAY_URL ?? loadEnv(mode, process.cwd(), 'VITE_').VITE_GATEWAY_URL ?? DEFAULT_GATEWAY_URL;
  return {
    plugins: [react()],
    server: { port: 5173, strictPort: true, proxy: graphqlProxy(gatewayUrl) },
    preview: { port: 4173, proxy: graphqlProxy(gatewayUrl) },
  };
});
