/**
 * Child processes of the bench: the subgraphs in one, each gateway under test in its own, so that
 * the process being measured never shares its event loop with the load generator or the subgraphs.
 * Parent and child talk over Node's IPC channel: `ready` once up, then request/reply by id.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT_DIR = path.resolve(BENCH_DIR, '..');

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface Child<Info> {
  name: string;
  pid: number;
  info: Info;
  logFile: string;
  /** Asks the child something (`handlers[type]` there) and waits for its answer. */
  request<T = unknown>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to stop cleanly; kills it when it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Forks `script` (TypeScript, run through tsx) and resolves once it reports `ready`. */
export async function startChild<Info>(
  name: string,
  script: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv; logDir: string; execArgv?: string[]; readyTimeoutMs?: number },
): Promise<Child<Info>> {
  const logFile = path.join(options.logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = fork(path.resolve(BENCH_DIR, script), options.args ?? [], {
    cwd: ROOT_DIR,
    env: { ...process.env, ...options.env },
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  closeSync(fd);
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true;
      for (const p of pending.values()) p.reject(new Error(`${name} exited (code ${code}); see ${logFile}`));
      pending.clear();
      resolve(code);
    }),
  );

  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not become ready within ${options.readyTimeoutMs ?? 60_000} ms; see ${logFile}`));
    }, options.readyTimeoutMs ?? 60_000);
    child.on('message', (message: any) => {
      if (message?.type === 'ready') {
        clearTimeout(timer);
        resolve(message.info as Info);
      } else if (message?.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${name} failed to start: ${message.error}; see ${logFile}`));
      } else if (typeof message?.id === 'number') {
        const reply = message as Reply;
        const p = pending.get(reply.id);
        pending.delete(reply.id);
        if (reply.ok) p?.resolve(reply.value);
        else p?.reject(new Error(`${name}: ${reply.error}`));
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${code}) before it was ready; see ${logFile}`));
    });
  });

  return {
    name,
    pid: child.pid!,
    info,
    logFile,
    request<T>(type: string, payload?: unknown, timeoutMs = 60_000): Promise<T> {
      if (exited) return Promise.reject(new Error(`${name} has exited; see ${logFile}`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name} did not answer ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ id, type, payload });
      });
    },
    async stop(timeoutMs = 20_000) {
      if (exited) return;
      child.send({ id: 0, type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

type Handler = (payload: any) => unknown;

/**
 * The child's side: runs `start`, reports `ready` with what it returns, answers requests with
 * `handlers`, and on `stop` (or when the parent goes away) runs `stop` and exits.
 */
export async function serveChild<Info>(start: () => Promise<{ info: Info; handlers?: Record<string, Handler>; stop: () => Promise<void> }>): Promise<void> {
  if (!process.send) throw new Error('Run this through startChild(): it needs an IPC channel');
  const send = (message: unknown) => {
    try {
      process.send!(message);
    } catch {
      /* parent gone */
    }
  };
  let started: Awaited<ReturnType<typeof start>>;
  try {
    started = await start();
  } catch (error) {
    console.error(error);
    send({ type: 'failed', error: String((error as Error)?.stack ?? error) });
    process.exit(1);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const hard = setTimeout(() => process.exit(2), 15_000);
    hard.unref();
    try {
      await started.stop();
    } catch (error) {
      console.error('stop failed', error);
    }
    process.exit(0);
  };
  const answer = async (message: any) => {
    if (message?.type === 'stop') return void stop();
    const handler = message?.type === 'cpu' ? () => process.cpuUsage() : started.handlers?.[message?.type];
    if (!handler) return send({ id: message?.id, ok: false, error: `no handler for ${message?.type}` });
    try {
      send({ id: message.id, ok: true, value: await handler(message.payload) });
    } catch (error) {
      send({ id: message.id, ok: false, error: String((error as Error)?.message ?? error) });
    }
  };
  process.on('message', (message: any) => void answer(message));
  // The bench went away (crash, Ctrl-C): do not outlive it.
  process.on('disconnect', () => void stop());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop());
  }
  send({ type: 'ready', info: started.info });
}

/** Memory of this process, after a full GC when the process was started with --expose-gc. */
export function memoryNow(): { rss: number; heapUsed: number; external: number; gc: boolean } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, gc: Boolean(gc) };
}
