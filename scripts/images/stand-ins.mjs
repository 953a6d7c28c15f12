// The stand-ins of scripts/check-images.mjs: what Docker and Compose would do,
// done on this machine — the build context, Compose's variable interpolation,
// Debian's nginx for the nginx image, health checks as local commands, and the
// scratch database and key prefix that stand in for the postgres and redis services.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dockerignore } from './dockerfile.mjs';

/** Compose's `${VAR}`, `${VAR:-default}` and `$$`, from the variables Compose reads from .env. */
export function interpolate(value, vars) {
  return String(value).replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g,
    (all, name, op, def) => {
      if (all === '$$') return '$';
      const v = vars[name];
      if (op === ':-') return v ? v : def;
      if (op === '-') return v ?? def;
      return v ?? '';
    },
  );
}

/** The Docker build context: every file of the repository .dockerignore lets through. */
export function buildContext(root, dest) {
  const ignored = dockerignore(path.join(root, '.dockerignore'));
  let files = 0;
  const walk = (rel) => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (ignored(relPath)) continue;
      if (entry.isDirectory()) walk(relPath);
      else {
        cpSync(path.join(root, relPath), path.join(dest, relPath), { verbatimSymlinks: true });
        files += 1;
      }
    }
  };
  walk('');
  for (const secret of ['.env', 'node_modules', '.git']) {
    if (existsSync(path.join(dest, secret)))
      throw new Error(`.dockerignore lets ${secret} into the build context`);
  }
  return files;
}

/** Debian's nginx, unpacked into the scratch folder (no service installed or started). */
export function hostNginx(work) {
  const dir = path.join(work, 'nginx-deb');
  mkdirSync(dir, { recursive: true });
  const download = () =>
    spawnSync('apt-get', ['download', 'nginx', 'nginx-common'], { cwd: dir, encoding: 'utf8' }).status === 0;
  let ok = download();
  if (!ok) {
    const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
    spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'update', '-qq']);
    ok = download();
  }
  if (ok) {
    for (const deb of readdirSync(dir).filter((f) => f.endsWith('.deb'))) {
      execFileSync('dpkg-deb', ['-x', path.join(dir, deb), path.join(dir, 'root')]);
    }
    return {
      bin: path.join(dir, 'root/usr/sbin/nginx'),
      mimeTypes: path.join(dir, 'root/etc/nginx/mime.types'),
    };
  }
  const onPath = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  if (onPath && existsSync('/etc/nginx/mime.types'))
    return { bin: onPath, mimeTypes: '/etc/nginx/mime.types' };
  throw new Error(
    "cannot get Debian's nginx (apt-get download nginx nginx-common failed, and none is installed)",
  );
}

/** The web image's nginx command, run from its replayed folder (paths, port and api address rewritten). */
export function nginxCommand(image, argv, { ports, ids, nginx, say }) {
  const confPath = path.join(image.root, 'etc/nginx/nginx.conf');
  const original = readFileSync(confPath, 'utf8');
  const rewrites = [
    [/(\s)\/(etc\/nginx|usr\/share\/nginx|tmp)\b/g, `$1${image.root}/$2`],
    [/listen 8080;/g, `listen 127.0.0.1:${ports.web};`],
    [/http:\/\/api:3000/g, `http://127.0.0.1:${ports.api}`],
    // Docker's /dev/stdout is a pipe; a process here gets a socket, which cannot be reopened by path.
    [/\/dev\/stdout/g, `${image.root}/tmp/access.log`],
  ];
  let conf = original;
  for (const [pattern, replacement] of rewrites) {
    if (!pattern.test(conf))
      throw new Error(`docker/nginx.conf no longer has ${pattern}: update scripts/check-images.mjs`);
    conf = conf.replace(pattern, replacement);
  }
  const replayed = path.join(image.root, 'etc/nginx/nginx.replay.conf');
  writeFileSync(replayed, conf);
  const bin = nginx.bin;
  // As the user it runs as: files it creates (the access log) must stay its own.
  const test = spawnSync(bin, ['-t', '-e', 'stderr', '-p', `${image.root}/`, '-c', replayed], {
    encoding: 'utf8',
    ...ids,
  });
  if (test.status !== 0) throw new Error(`nginx -t refused docker/nginx.conf:\n${test.stderr}`);
  say(`web: nginx -t: ${test.stderr.trim().split('\n').at(-1)}`);
  return [bin, ...argv.slice(1), '-e', 'stderr', '-p', `${image.root}/`, '-c', replayed];
}

/** A compose health check as a command on this host: ["CMD", ...] or ["CMD-SHELL", "..."]. */
export function healthcheckCommand(test, hostPort) {
  const [kind, ...args] = test;
  const command = kind === 'CMD-SHELL' ? ['/bin/sh', '-c', args.join(' ')] : args;
  return command.map((arg, i) => {
    if (i === 0 && arg === 'node') return process.execPath;
    return hostPort ? arg.replace(/127\.0\.0\.1:(8080|3000|4000)\b/, `127.0.0.1:${hostPort}`) : arg;
  });
}

export async function dropScratch({ databaseUrl, redisUrl, database, prefix }) {
  const { default: pg } = await import('pg');
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}
