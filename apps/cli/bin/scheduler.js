#!/usr/bin/env node
// Committed so npm links the `scheduler` bin at install time; the code it loads
// is built by `npm run build`.
try {
  require.resolve('../dist/main.js');
} catch {
  process.stderr.write('scheduler is not built yet: run `npm run build` at the repository root first.\n');
  process.exit(1);
}
require('../dist/main.js');
