/**
 * `npm run seed [-- --url URL]`: loads the sample network into a running gateway (default
 * http://localhost:4000/graphql) and opens the first round. Safe to run again: it adds only what is missing.
 */
import { parseArgs } from 'node:util';
import { developmentSigner } from './development-signer.js';
import { demoLogins, seedSampleData } from './seed.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('Usage: npm run seed -- [--url http://localhost:4000/graphql]\nSigns its operator token with the development key, as `npm run token` does.');
} else {
  const url = values.url ?? process.env.GATEWAY_URL ?? 'http://localhost:4000/graphql';
  try {
    await seedSampleData(url, await developmentSigner(), (m) => console.log(m));
    console.log(demoLogins());
  } catch (error) {
    const message = (error as Error).message;
    console.error(
      /fetch failed|ECONNREFUSED/.test(message + String((error as { cause?: unknown }).cause ?? ''))
        ? `Cannot reach the gateway at ${url}: is it running (\`npm start\`)?`
        : message,
    );
    process.exitCode = 1;
  }
}
