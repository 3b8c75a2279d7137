#!/usr/bin/env node
// The `gpes` command. A committed file, so that installing the workspace (before any build) can link the bin;
// the command itself is built into dist/.
import '../dist/main.js';
