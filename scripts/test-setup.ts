/**
 * vitest globalSetup, run once before any test file: finds Chromium for the tests that draw
 * report.html in it, with scripts/ensure-chromium.sh, which installs Debian's package where
 * it can. Where it cannot, the run stops here, before any test, with the one command to
 * run — never a suite that fails minutes in. The path reaches the test processes as
 * KALELAB_CHROMIUM (vitest starts them after this, with this process's environment).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./ensure-chromium.sh', import.meta.url));

export default async function setup(): Promise<void> {
  const child = spawn('bash', [SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk); // apt-get's progress, live
  });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const path = stdout.trim().split('\n').pop() ?? '';
  if (status !== 0 || path === '') {
    const reason = stderr.trim().split('\n').pop() ?? `bash ${SCRIPT} exited with ${status}`;
    const error = new Error(`no Chromium for the report.html tests, so no test was run. ${reason}`);
    error.stack = error.message; // the advice is the message; a stack trace would bury it
    throw error;
  }
  process.env['KALELAB_CHROMIUM'] = path;
}
