#!/usr/bin/env node
// The installed `holterflow` command (npx holterflow, node_modules/.bin): the compiled CLI in
// ../dist, which `npm ci` builds (the root package's prepare script). Sources run through tsx
// with `npm run holterflow -- …` instead.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('holterflow: the CLI is not built (no apps/cli/dist/main.js); run `npm run build` first');
  process.exit(1);
}
await import(main.href);
