#!/usr/bin/env node
// The `edoc` command: the compiled CLI (npm run build makes it).
require('../cli/dist/main.js');
