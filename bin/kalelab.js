#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('kalelab: dist/ is missing; run `npm run build` (npm ci does this) first.');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
