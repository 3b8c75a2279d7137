#!/usr/bin/env node
// The `gpes-fake-mesh` command. A committed file, so that installing the workspace (before any build) can link
// the bin; the command itself is built into dist/.
import '../dist/fake-mesh.js';
