/**
 * `tsx scripts/assemble-runtime.ts <service folder> <output folder>`: lays out what a service's image
 * holds, from an installed and built tree: the service's manifest, the files it lists in `files`
 * (dist/ and what dist/ reads), and the registry packages its `dependencies` need, found the way node
 * finds them, with their own dependencies. Nothing else: no workspace sources, no build tools.
 *
 * npm cannot do this for one workspace: `npm ci --omit=dev -w <service>` omits only what is
 * development-only for the whole monorepo, so the gateway would carry TypeORM because the subgraphs
 * need it at run time.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  name: string;
  files?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function manifestOf(folder: string): Manifest {
  return JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as Manifest;
}

/** The folder node loads `name` from when imported by a module in `from` (node_modules, upwards). */
function locate(name: string, from: string, root: string): string | undefined {
  for (let folder = from; ; folder = path.dirname(folder)) {
    const candidate = path.join(folder, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (folder === root || path.dirname(folder) === folder) return undefined;
  }
}

/** Every installed package folder the service's dependencies reach (relative to `root`). */
export function runtimePackages(root: string, service: string): string[] {
  const found = new Set<string>();
  const visit = (folder: string, required: string[], optional: string[]) => {
    for (const [names, mustExist] of [
      [required, true],
      [optional, false],
    ] as const) {
      for (const name of names) {
        const located = locate(name, folder, root);
        if (!located) {
          if (mustExist) throw new Error(`${path.relative(root, folder) || '.'} needs ${name}, which is not installed: run npm ci first`);
          continue;
        }
        const relative = path.relative(root, located);
        if (found.has(relative)) continue;
        if (realpathSync(located) !== located) throw new Error(`${name} is a link (a workspace package?): a service's dependencies must be registry packages`);
        found.add(relative);
        const manifest = manifestOf(located);
        // npm 7+ installs required peers beside their dependent; an optional peer is the user's choice.
        const peers = Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !manifest.peerDependenciesMeta?.[peer]?.optional);
        visit(located, [...Object.keys(manifest.dependencies ?? {}), ...peers], Object.keys(manifest.optionalDependencies ?? {}));
      }
    }
  };
  const manifest = manifestOf(service);
  visit(service, Object.keys(manifest.dependencies ?? {}), Object.keys(manifest.optionalDependencies ?? {}));
  return [...found].sort();
}

/** Copies the service's runtime into `output`, keeping the repository's layout; returns the package count. */
export function assembleRuntime(root: string, service: string, output: string): number {
  const manifest = manifestOf(service);
  if (!manifest.files?.includes('dist')) throw new Error(`${manifest.name} lists no "dist" in "files": build it and say what it runs`);
  const packages = runtimePackages(root, service);
  const target = path.join(output, path.relative(root, service));
  mkdirSync(target, { recursive: true });
  cpSync(path.join(service, 'package.json'), path.join(target, 'package.json'));
  for (const file of manifest.files) {
    if (!existsSync(path.join(service, file))) throw new Error(`${manifest.name} lists ${file} in "files", which does not exist: run its build first`);
    cpSync(path.join(service, file), path.join(target, file), { recursive: true });
  }
  for (const relative of packages) {
    // A package's own nested node_modules are copied only where the walk reached them.
    cpSync(path.join(root, relative), path.join(output, relative), {
      recursive: true,
      filter: (source) => !path.relative(path.join(root, relative), source).split(path.sep).includes('node_modules'),
    });
  }
  writeFileSync(path.join(output, 'runtime-packages.txt'), `${packages.join('\n')}\n`);
  return packages.length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [serviceArgument, outputArgument] = process.argv.slice(2);
  if (!serviceArgument || !outputArgument) {
    console.error('usage: tsx scripts/assemble-runtime.ts <service folder> <output folder>');
    process.exit(2);
  }
  const root = fileURLToPath(new URL('..', import.meta.url));
  const count = assembleRuntime(path.resolve(root), path.resolve(serviceArgument), path.resolve(outputArgument));
  console.log(`${outputArgument}: ${path.relative(root, path.resolve(serviceArgument))} with ${count} registry packages`);
}
