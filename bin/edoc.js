#!/usr/bin/env node
// The `edoc` command: the compiled CLI (`npm run build` makes cli/dist).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'cli', 'dist', 'main.js');
if (!existsSync(entry)) {
  console.error('edoc: the CLI is not built yet; run `npm run build` in the project folder first');
  process.exit(1);
}
require(entry).run();
