// The child side of bench/lib/child.mjs: messages from the harness, by type.
const handlers = new Map();

process.on('message', (message) => {
  const handler = handlers.get(message.type);
  if (handler) {
    Promise.resolve(handler(message)).catch((error) => fail(error));
  }
});
// The harness died: nothing left to report to.
process.on('disconnect', () => process.exit(0));

export function on(type, handler) {
  handlers.set(type, handler);
}

export function send(message) {
  process.send?.(message);
}

export function fail(error) {
  process.stderr.write(`${process.argv[1]}: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}

/** Parses `--name value` pairs. */
export function argsOf(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}
