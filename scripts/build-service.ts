/**
 * `npm run build -w <service>`: bundles the service's `src/main.ts`, with the workspace packages it
 * imports (`@distribution/*`, TypeScript sources), into one ES module `dist/main.js` that plain
 * `node dist/main.js` runs. Registry packages stay imports, resolved from node_modules at run time,
 * so an image needs the service's production dependencies and nothing of the build.
 *
 * esbuild transpiles without type checking: the `build` task depends on `typecheck` (turbo.json).
 * Like tsx, it emits no decorator metadata; every TypeORM column names its type (STACK.md).
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Workspace packages are bundled from source; every other bare import is left to node. */
const registryPackagesExternal: Plugin = {
  name: 'registry-packages-external',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@distribution/') ? undefined : { path: args.path, external: true }));
  },
};

/** `new URL('<relative>', import.meta.url)`: a file read beside the module that names it. */
const SIBLING_FILE = /new URL\(\s*'([^']+)',\s*import\.meta\.url\s*\)/g;

/**
 * In the bundle every module's `import.meta.url` is dist/main.js. A file a module reads beside
 * itself is copied into dist/; a path that would then point elsewhere stops the build, naming it.
 */
function copySiblingFiles(metafile: Metafile, dist: string): string[] {
  const copied: string[] = [];
  // Only modules with code in the bundle: tree-shaking drops the rest (workspace packages say sideEffects: false).
  const bundled = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0));
  for (const [input] of bundled) {
    const source = path.resolve(root, input);
    if (!/\.[cm]?[jt]s$/.test(source)) continue;
    for (const [, relative] of readFileSync(source, 'utf8').matchAll(SIBLING_FILE)) {
      const wanted = path.resolve(path.dirname(source), relative);
      const fromBundle = path.resolve(dist, relative);
      if (wanted === fromBundle) continue;
      if (path.dirname(relative) !== '.') {
        throw new Error(`${path.relative(root, source)} reads ${relative} beside itself, which the bundle in ${path.relative(root, dist)} cannot reach`);
      }
      copyFileSync(wanted, fromBundle);
      copied.push(relative);
    }
  }
  return copied;
}

async function buildService(service: string): Promise<void> {
  const dist = path.join(service, 'dist');
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const { metafile } = await build({
    entryPoints: [path.join(service, 'src', 'main.ts')],
    outfile: path.join(dist, 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Legacy decorators (TypeORM) and the other compiler options of the whole tree.
    tsconfig: path.join(root, 'tsconfig.json'),
    plugins: [registryPackagesExternal],
    sourcemap: 'linked',
    metafile: true,
    // Paths in the metafile are relative to this.
    absWorkingDir: root,
    logLevel: 'warning',
  });
  const copied = copySiblingFiles(metafile, dist);
  const outputs = Object.values(metafile.outputs);
  const imported = new Set(outputs.flatMap((output) => output.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => packageName(i.path))));
  checkProductionDependencies(service, imported);
  const size = Object.entries(metafile.outputs).find(([file]) => file.endsWith('main.js'))?.[1].bytes ?? 0;
  console.log(
    `${path.relative(root, dist)}/main.js: ${(size / 1024).toFixed(0)} KiB; imports ${imported.size} registry packages at run time: ${[...imported].sort().join(', ')}` +
      `${copied.length ? `; copied ${copied.join(', ')}` : ''}`,
  );
}

/** `@scope/name/sub/path` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

/**
 * The image installs the service's `dependencies` only (`npm ci --omit=dev`), and the workspace
 * packages are inside the bundle, so they are devDependencies. A registry package the bundle
 * imports but the manifest does not list would be missing from the image: the build stops here.
 */
function checkProductionDependencies(service: string, imported: Set<string>): void {
  const manifest = JSON.parse(readFileSync(path.join(service, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
  const declared = Object.keys(manifest.dependencies ?? {});
  const missing = [...imported].filter((name) => !declared.includes(name));
  const workspace = declared.filter((name) => name.startsWith('@distribution/'));
  const problems = [
    ...missing.map((name) => `the bundle imports ${name}, which is not in its dependencies`),
    ...workspace.map((name) => `${name} is bundled: list it in devDependencies, or the image installs its whole tree`),
  ];
  if (problems.length) throw new Error(`${manifest.name}:\n  - ${problems.join('\n  - ')}`);
}

await buildService(process.cwd());
