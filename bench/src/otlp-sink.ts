/**
 * `npx tsx bench/src/otlp-sink.ts [port]`: a stand-in for an OpenTelemetry collector that accepts
 * OTLP/HTTP trace exports and throws them away, so that a traced bench run pays for making and
 * sending spans but measures no collector. Prints what it took on SIGINT/SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let exports = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    exports += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`OTLP sink on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stdout.write(`OTLP sink: ${exports} exports, ${bytes} bytes\n`);
    process.exit(0);
  });
}
