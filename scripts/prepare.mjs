// Builds dist/ after `npm ci` so that `npx kalelab` works on a fresh clone.
// Skipped when kalelab is installed as a dependency without its sources.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

if (existsSync('src') && existsSync('node_modules/typescript/bin/tsc')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
