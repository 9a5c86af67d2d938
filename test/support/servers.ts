/**
 * Real servers for the integration suite, from .venv (scripts/test-deps.sh):
 * moto (AWS APIs) and OpenBao (Vault API). Free ports on 127.0.0.1, health
 * checked before use, always stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const VENV_BIN = join(__dirname, '..', '..', '.venv', 'bin');

export function requireTool(name: string): string {
  const path = join(VENV_BIN, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run bash scripts/test-deps.sh`);
  return path;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(url: string, ok: (status: number) => boolean, child: ChildProcess, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${last}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (ok(res.status)) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become healthy at ${url}: ${last}`);
}

export interface ManagedServer {
  url: string;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
}

export async function startMoto(): Promise<ManagedServer> {
  const port = await freePort();
  const child = spawn(requireTool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/moto-api/`, (s) => s === 200, child, 'moto_server');
  return { url, stop: stopper(child) };
}

export interface Bao extends ManagedServer {
  rootToken: string;
  /** Authenticated call to the Vault HTTP API. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: unknown }>;
}

export async function startBao(): Promise<Bao> {
  const port = await freePort();
  const rootToken = `root-${randomBytes(8).toString('hex')}`;
  const child = spawn(requireTool('bao'), ['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, `-dev-root-token-id=${rootToken}`], {
    stdio: 'ignore',
    env: { ...process.env, HOME: process.env.HOME ?? '/tmp' },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/v1/sys/health`, (s) => s === 200, child, 'bao server -dev');
  const api = async (method: string, path: string, body?: unknown, token = rootToken) => {
    const res = await fetch(`${url}/v1/${path}`, {
      method,
      headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return { url, rootToken, api, stop: stopper(child) };
}
