/** Headless Chromium from Debian's package, when installed; the flags keep it off the network. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export function screenshot(url: string, out: string, size = '1040,1400'): void {
  if (!CHROMIUM) throw new Error('chromium is not installed');
  execFileSync(
    CHROMIUM,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
      `--window-size=${size}`, `--screenshot=${out}`, url,
    ],
    { stdio: 'pipe', timeout: 60_000 },
  );
}
