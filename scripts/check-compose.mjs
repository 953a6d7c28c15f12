// `npm run compose:check`: validates docker-compose.yml without a Docker engine.
// 1. A real Compose parser: `docker compose config` (the v2 plugin) when it is
//    there, else Debian's `docker-compose config` (installed from Debian's
//    packages when missing and this user may). `config` needs no engine: it
//    parses, interpolates, applies env_file and validates against the Compose
//    schema. It runs in a scratch copy with `.env` = `.env.example`, as a user
//    who followed docs/deployment.md would have it.
// 2. What the project needs of the file, which no schema knows: every service,
//    health checks, depends_on conditions, scalable publisher and worker, one
//    .env, in-network URLs, Redis settings, named volumes, and build targets
//    that exist in the Dockerfile.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseDockerfile } from './images/dockerfile.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

const works = (command, args) => spawnSync(command, args, { encoding: 'utf8' }).status === 0;

/** The command that runs `config`: the Compose v2 plugin, else Debian's docker-compose (installed if need be). */
function composeParser() {
  if (works('docker', ['compose', 'version'])) return ['docker', 'compose'];
  if (works('docker-compose', ['version'])) return ['docker-compose'];
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  if (sudo.length && !works('sudo', ['-n', 'true'])) return undefined;
  console.log("No Compose parser here: installing Debian's docker-compose (apt-get install docker-compose)");
  const apt = (...args) =>
    spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  apt('-o', 'DPkg::Lock::Timeout=300', 'update', '-qq');
  apt('-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', 'docker-compose');
  return works('docker-compose', ['version']) ? ['docker-compose'] : undefined;
}

function parseWithCompose() {
  const parser = composeParser();
  if (!parser) {
    problems.push(
      "no Compose parser: install Debian's docker-compose or the docker compose plugin (needs root or sudo -n)",
    );
    return;
  }
  const version = spawnSync(parser[0], [...parser.slice(1), 'version'], { encoding: 'utf8' }).stdout.split(
    '\n',
  )[0];
  const dir = mkdtempSync(path.join(tmpdir(), 'check-compose-'));
  try {
    copyFileSync(path.join(root, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
    copyFileSync(path.join(root, 'Dockerfile'), path.join(dir, 'Dockerfile'));
    copyFileSync(path.join(root, '.env.example'), path.join(dir, '.env'));
    const config = spawnSync(parser[0], [...parser.slice(1), '-f', 'docker-compose.yml', 'config'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp' }, // no stray variable interpolated
    });
    if (config.status !== 0) {
      problems.push(`\`${parser.join(' ')} config\` refused docker-compose.yml:\n${config.stderr}`);
      return;
    }
    const resolved = parseYaml(config.stdout);
    console.log(`${parser.join(' ')} config (${version.trim()}): valid`);
    if (config.stderr.trim()) console.log(config.stderr.trim());
    for (const [name, service] of Object.entries(resolved.services)) {
      const ports = (service.ports ?? []).map((p) =>
        typeof p === 'object' ? `${p.published}:${p.target}` : p,
      );
      console.log(
        `  ${name.padEnd(14)} ${service.image ?? `build target ${service.build?.target}`}${ports.length ? `, ports ${ports.join(' ')}` : ''}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkRequirements() {
  const compose = parseYaml(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const services = compose.services ?? {};
  const need = (ok, message) => ok || problems.push(message);
  const required = ['postgres', 'redis', 'migrate', 'api', 'publisher', 'worker', 'web', 'dummy-webhook'];
  for (const name of required) need(services[name], `service ${name} is missing`);
  if (problems.length) return;

  need(/^postgres:15\b/.test(services.postgres.image), 'postgres: expected image postgres:15');
  need(/^redis:7\b/.test(services.redis.image), 'redis: expected image redis:7');
  const redisCommand = [services.redis.command ?? []].flat().join(' ');
  need(
    /--maxmemory-policy noeviction/.test(redisCommand),
    'redis: BullMQ needs --maxmemory-policy noeviction',
  );
  need(/--appendonly yes/.test(redisCommand), 'redis: queued runs need persistence: --appendonly yes');
  need(services.postgres.healthcheck?.test?.includes('pg_isready'), 'postgres: health check with pg_isready');
  need(
    services.redis.healthcheck?.test?.join(' ').includes('redis-cli ping'),
    'redis: health check with redis-cli ping',
  );
  for (const name of ['api', 'web', 'dummy-webhook'])
    need(services[name].healthcheck?.test, `${name}: needs a health check`);
  // The test receiver runs only when asked for (SPEC §9); nothing in the default stack may need it.
  need(
    [services['dummy-webhook'].profiles ?? []].flat().includes('dev'),
    "dummy-webhook: only in the dev profile (profiles: ['dev'])",
  );
  for (const [name, service] of Object.entries(services)) {
    if (service.profiles?.length) continue;
    for (const dep of Object.keys(service.depends_on ?? {}))
      need(!services[dep]?.profiles?.length, `${name}: depends on ${dep}, which runs only in a profile`);
  }

  const stages = new Set(parseDockerfile(path.join(root, 'Dockerfile')).map((s) => s.name));
  for (const [name, service] of Object.entries(services)) {
    need(!service.container_name, `${name}: no container_name (it would stop --scale)`);
    for (const [dep, spec] of Object.entries(service.depends_on ?? {})) {
      const condition = spec?.condition;
      const wanted = services[dep]?.healthcheck ? 'service_healthy' : 'service_completed_successfully';
      need(
        condition === wanted,
        `${name}: depends_on ${dep} should wait for condition ${wanted}, has ${condition}`,
      );
    }
    if (!service.build) continue;
    need(
      stages.has(service.build.target),
      `${name}: build target ${service.build.target} is not a Dockerfile stage`,
    );
    need([service.env_file].flat().includes('.env'), `${name}: env_file .env (one .env for every service)`);
    if (name === 'web') continue; // nginx reads no variable
    const env = service.environment ?? {};
    need(
      /@postgres:5432\//.test(env.DATABASE_URL ?? ''),
      `${name}: environment DATABASE_URL must point at host postgres`,
    );
    need(env.REDIS_URL === 'redis://redis:6379', `${name}: environment REDIS_URL must point at host redis`);
    need(env.LOG_FORMAT === 'json', `${name}: environment LOG_FORMAT=json`);
  }
  for (const name of ['publisher', 'worker'])
    need(!services[name].ports, `${name}: no ports (scaled copies would clash)`);
  for (const name of ['api', 'publisher', 'worker']) {
    need(services[name].depends_on?.migrate, `${name}: must wait for migrate`);
    need(services[name].depends_on?.redis, `${name}: must wait for redis`);
  }
  need(services.migrate.depends_on?.postgres, 'migrate: must wait for postgres');
  need(services.web.depends_on?.api, 'web: must wait for api');
  need(['no', undefined].includes(services.migrate.restart), 'migrate: a one-shot step must not restart');
  const volumes = Object.keys(compose.volumes ?? {});
  for (const [name, mount] of [
    ['postgres', '/var/lib/postgresql/data'],
    ['redis', '/data'],
  ]) {
    const named = (services[name].volumes ?? []).some(
      (v) => volumes.includes(v.split(':')[0]) && v.split(':')[1] === mount,
    );
    need(named, `${name}: ${mount} on a named volume`);
  }
}

/**
 * The docs say what the file does: docs/deployment.md's table of services lists
 * each service, with a health check exactly where the file has one ("—" where it
 * has none), and neither it nor the README claims a health check for every service.
 */
function checkDocs() {
  const compose = parseYaml(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const services = compose.services ?? {};
  const deployment = readFileSync(path.join(root, 'docs', 'deployment.md'), 'utf8');
  const rows = new Map();
  let inTable = false;
  for (const line of deployment.split('\n')) {
    if (/^\| service \| image \| waits for \| health check \|/.test(line)) inTable = true;
    else if (inTable && !line.startsWith('|')) break;
    else if (inTable) {
      const cells = line.split('|').map((cell) => cell.trim());
      const name = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
      if (name) rows.set(name, cells[4] ?? '');
    }
  }
  const need = (ok, message) => ok || problems.push(message);
  need(
    rows.size > 0,
    'docs/deployment.md: no table of services (| service | image | waits for | health check |)',
  );
  for (const [name, service] of Object.entries(services)) {
    const health = rows.get(name);
    if (health === undefined) {
      need(rows.size === 0, `docs/deployment.md: service ${name} is not in the table of services`);
      continue;
    }
    const documented = !health.startsWith('—');
    need(
      documented === Boolean(service.healthcheck),
      `docs/deployment.md: ${name} ${service.healthcheck ? 'has a health check; the table says none' : `has no health check; the table says "${health}"`}`,
    );
  }
  for (const name of rows.keys())
    need(
      services[name],
      `docs/deployment.md: ${name} is in the table of services but not in docker-compose.yml`,
    );
  for (const file of ['README.md', 'docs/deployment.md']) {
    const text = readFileSync(path.join(root, file), 'utf8').replaceAll('\n', ' ');
    need(
      !/every service (with|has) (a )?health check/i.test(text),
      `${file}: says every service has a health check; publisher, worker and migrate have none`,
    );
  }
}

checkRequirements();
checkDocs();
parseWithCompose();
if (problems.length > 0) {
  console.error(`compose:check FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(
  'compose:check passed: docker-compose.yml parses and has every service, check and condition it needs',
);
