// The images are built with `npm ci` on linux/amd64 or linux/arm64 (Docker on
// an Apple or Graviton host). npm ci installs only what package-lock.json lists,
// so a lockfile written on one platform that left out the others' native
// packages (dbmate's binary, Tailwind's oxide, Rolldown's binding) builds an
// image that cannot migrate or build there. This lists what is missing.

/** Native packages for the images' platforms (glibc: the node images are Debian). */
const IMAGE_PLATFORM = /linux-(x64|arm64)(-gnu)?$/;

/**
 * Every optional dependency named for linux/amd64 or linux/arm64 that some
 * package of the lockfile declares but the lockfile itself does not hold.
 */
export function missingPlatformPackages(lock) {
  const installed = new Set(
    Object.keys(lock.packages ?? {}).map((key) => key.replace(/^.*node_modules\//, '')),
  );
  const missing = new Set();
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      if (IMAGE_PLATFORM.test(name) && !installed.has(name))
        missing.add(`${name} (for ${key || 'the root'})`);
    }
  }
  return [...missing];
}
