// `npm run images:check`: proves the Docker images would work, without a Docker
// engine (none runs on the project's machines). It replays the Dockerfile stage
// by stage in a scratch folder (scripts/images/dockerfile.mjs): the build
// context filtered by .dockerignore, every COPY, and every RUN (`npm ci`,
// `npm run build`, the per-role `npm ci --omit=dev`) exactly as written. Then
// it starts each docker-compose.yml service's command from its replayed image
// folder, with the service's env_file and environment, in depends_on order:
// migrate must exit 0, api, dummy-webhook and web must pass their compose
// health checks, publisher and worker must stay up (and have logged that they
// started by the time they stop); a task created
// through the web's /api proxy must reach the dummy webhook; SIGTERM must stop
// every service with exit code 0.
//
// What the replay changes, and only that: the host's Node.js and nginx stand in
// for the public base images (their setup RUN lines are checked, not run); the
// in-network hosts `postgres` and `redis` become this machine's PostgreSQL (a
// scratch database) and Redis (a scratch key prefix); the fixed container ports
// become free local ports; a non-root USER runs as `nobody`.
// `--keep` leaves the scratch folder for a look.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { parseDockerfile, replayStage, stagesFor, stopRunCommands } from './images/dockerfile.mjs';
import { missingPlatformPackages } from './images/lockfile.mjs';
import {
  buildContext,
  dropScratch,
  healthcheckCommand,
  hostNginx,
  interpolate,
  nginxCommand,
} from './images/stand-ins.mjs';
import { freePort, runToEnd, startProcess, unprivilegedIds, waitUntil } from './images/processes.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const started = Date.now();
/** Debian's nginx standing in for the nginx image, once found. */
let nginx;
/** The services started so far, stopped at the end or on Ctrl-C. */
const running = [];
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the replay`);
    process.exitCode = 130;
    stopRunCommands();
    for (const proc of running) proc.child.kill('SIGKILL');
  });
}
const say = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

const readEnv = (file) => (existsSync(file) ? parseDotenv(readFileSync(file)) : {});
/** The local services, as every process here finds them: environment over .env over .env.example. */
const localEnv = { ...readEnv(path.join(root, '.env.example')), ...readEnv(path.join(root, '.env')) };
const local = (name) => process.env[name] ?? localEnv[name];

/** Orders services so each comes after what it depends on. */
function startOrder(services) {
  const order = [];
  const visit = (name) => {
    if (order.includes(name)) return;
    for (const dep of Object.keys(services[name].depends_on ?? {})) visit(dep);
    order.push(name);
  };
  Object.keys(services).forEach(visit);
  return order;
}

async function main() {
  const compose = parseYaml(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const services = compose.services;
  const built = Object.entries(services).filter(([, s]) => s.build);
  const targets = [...new Set(built.map(([, s]) => s.build.target))];
  // `cp .env.example .env` and the two secrets replaced, as docs/deployment.md says:
  // the API refuses the example key when it listens on every interface.
  const secrets = {
    API_KEY: randomBytes(24).toString('hex'),
    POSTGRES_PASSWORD: randomBytes(24).toString('hex'),
  };
  const envFile = { ...readEnv(path.join(root, '.env.example')), ...secrets };
  const composeVars = { ...envFile };

  const missing = missingPlatformPackages(
    JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')),
  );
  if (missing.length > 0) {
    throw new Error(
      `package-lock.json lacks native packages the images need on linux/amd64 or linux/arm64: ${missing.join(', ')}. ` +
        'Regenerate it in a folder without node_modules (npm install --package-lock-only) so that every platform is listed.',
    );
  }
  say('package-lock.json lists the native packages of linux/amd64 and linux/arm64');

  const work = mkdtempSync(path.join(tmpdir(), 'check-images-'));
  chmodSync(work, 0o755); // the unprivileged user must reach the replayed images
  const logFile = path.join(work, 'build.log');
  say(`scratch folder ${work} (build output in build.log)`);
  const database = `scheduler_images_${process.pid}`;
  const prefix = `check-images-${process.pid}`;
  const failures = [];
  try {
    // ---- build
    const context = path.join(work, 'context');
    say(`build context: ${buildContext(root, context)} files (.dockerignore applied)`);
    const stages = stagesFor(parseDockerfile(path.join(root, 'Dockerfile')), targets);
    say(`targets ${targets.join(', ')} need stages ${stages.map((s) => s.name).join(' → ')}`);
    const baseImage = (stage, stageRoot) => {
      const nodeImage = /^node:(\d+)/.exec(stage.base);
      if (nodeImage) {
        const major = process.versions.node.split('.')[0];
        if (major !== nodeImage[1]) {
          throw new Error(
            `${stage.base}: the image has Node.js ${nodeImage[1]}, this machine ${process.version}`,
          );
        }
        say(`  ${stage.name}: ${stage.base} stands in as this machine's Node.js ${process.version}`);
        return { env: {} };
      }
      if (/^nginx:/.test(stage.base)) {
        nginx ??= hostNginx(work);
        mkdirSync(path.join(stageRoot, 'etc/nginx'), { recursive: true });
        cpSync(nginx.mimeTypes, path.join(stageRoot, 'etc/nginx/mime.types'));
        for (const dir of ['tmp', 'var/cache/nginx', 'usr/share/nginx/html']) {
          mkdirSync(path.join(stageRoot, dir), { recursive: true });
        }
        chmodSync(path.join(stageRoot, 'tmp'), 0o1777);
        say(`  ${stage.name}: ${stage.base} stands in as Debian's nginx (${nginx.bin})`);
        return { env: {} };
      }
      throw new Error(`stage ${stage.name}: no stand-in for the base image ${stage.base}`);
    };
    const onStep = (step, what) => say(`  ${step.where} ${step.op} ${step.args.slice(0, 90)}  (${what})`);
    const images = new Map();
    for (const stage of stages) {
      say(`stage ${stage.name} (FROM ${stage.base})`);
      images.set(
        stage.name,
        await replayStage(stage, { work, context, built: images, baseImage, logFile, onStep }),
      );
    }
    const npmVersion = images.get('node-base')?.args.NPM_VERSION;
    const haveNpm = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
    if (npmVersion && npmVersion !== haveNpm) {
      throw new Error(`the images pin npm ${npmVersion} (ARG NPM_VERSION); this machine's npm is ${haveNpm}`);
    }

    // ---- run
    const ids = unprivilegedIds();
    const ports = { api: await freePort(), 'dummy-webhook': await freePort(), web: await freePort() };
    const databaseUrl = new URL(local('DATABASE_URL'));
    databaseUrl.pathname = `/${database}`;
    const rewrites = {
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: local('REDIS_URL'),
      REDIS_PREFIX: prefix,
      API_PORT: String(ports.api),
      // A container's every interface would be every interface of this machine.
      API_HOST: '127.0.0.1',
      DUMMY_WEBHOOK_PORT: String(ports['dummy-webhook']),
      // The publisher's and the worker's /metrics and /healthz (their health checks read the port from the env).
      PUBLISHER_METRICS_PORT: String(await freePort()),
      WORKER_METRICS_PORT: String(await freePort()),
      METRICS_HOST: '127.0.0.1',
      // The dummy-webhook host (allowed by name in Compose) is this machine's 127.0.0.1 here.
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    };
    say(
      `services run on this host: postgres → database ${database}, redis → prefix ${prefix}, ports ${JSON.stringify(ports)}`,
    );

    for (const name of startOrder(services)) {
      const service = services[name];
      if (!service.build) continue; // postgres, redis: this machine's own
      const image = images.get(service.build.target);
      if (!image.user || image.user === 'root' || image.user === '0') {
        failures.push(`${name}: image ${service.build.target} runs as root (add USER)`);
      }
      const environment = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v, composeVars)]),
      );
      const containerEnv = { ...image.env, ...(service.env_file ? envFile : {}), ...environment };
      const readsConfig = image.entrypoint?.[0] === 'node' || image.cmd?.[0] === 'node';
      if (readsConfig && !/^postgres(ql)?:\/\/[^@]*@postgres:5432\//.test(containerEnv.DATABASE_URL)) {
        failures.push(
          `${name}: DATABASE_URL must point at the postgres service, got ${containerEnv.DATABASE_URL}`,
        );
      }
      if (readsConfig && containerEnv.REDIS_URL !== 'redis://redis:6379') {
        failures.push(`${name}: REDIS_URL must point at the redis service, got ${containerEnv.REDIS_URL}`);
      }
      const env = { PATH: process.env.PATH, HOME: '/tmp', ...containerEnv };
      for (const key of Object.keys(rewrites)) if (key in env) env[key] = rewrites[key];

      let argv = [...(image.entrypoint ?? []), ...(service.command ?? image.cmd ?? [])];
      if (argv[0] === 'node') argv[0] = process.execPath;
      if (argv[0] === 'nginx') argv = nginxCommand(image, argv, { ports, ids, nginx, say });
      const waitsForExit = Object.values(services).some(
        (s) => s.depends_on?.[name]?.condition === 'service_completed_successfully',
      );
      say(
        `${name}: ${argv.map((a) => a.replaceAll(`${image.root}/`, '/')).join(' ')} (as ${image.user}, in ${image.workdir})`,
      );
      const options = { cwd: image.cwd, env, ids };
      if (waitsForExit) {
        const { code, output } = await runToEnd(name, argv, options, 90_000);
        if (code !== 0) throw new Error(`${name} exited with ${code}:\n${output}`);
        say(`${name}: exited 0 (${output.trim().split('\n').at(-1)})`);
        continue;
      }
      const proc = startProcess(name, argv, options);
      running.push(proc);
      try {
        if (service.healthcheck) {
          const check = healthcheckCommand(service.healthcheck.test, ports[name]);
          await waitUntil(
            `${name}'s health check`,
            async () => (await runToEnd(`${name} healthcheck`, check, options, 10_000)).code === 0,
            60_000,
            1000,
          );
          say(`${name}: healthy (${service.healthcheck.test.slice(1).join(' ').slice(0, 80)})`);
        } else {
          // No health check: it must stay up. Its "started" line may sit in the JSON log
          // buffer (LOG_FORMAT=json writes in 4 KiB chunks) until it stops; checked then.
          await sleep(3_000);
          if (proc.hasExited()) throw new Error(`${name} exited at start`);
          say(`${name}: running`);
        }
      } catch (error) {
        throw new Error(`${error.message}\n${name} printed:\n${proc.output()}`);
      }
    }

    // ---- the images together: a task created through the dashboard's /api proxy reaches the dummy
    const web = `http://127.0.0.1:${ports.web}`;
    const index = await fetch(`${web}/tasks`).then((r) => r.text());
    if (!index.includes('<div id="root">'))
      failures.push('web: GET /tasks did not answer the dashboard index.html');
    const health = await fetch(`${web}/health`);
    if (health.status !== 200) failures.push(`web: GET /health through the proxy answered ${health.status}`);
    const created = await fetch(`${web}/api/tasks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-KEY': envFile.API_KEY },
      body: JSON.stringify({
        task_name: 'check-images',
        task_schedule: '* * * * * *',
        webhook_url: `http://127.0.0.1:${ports['dummy-webhook']}/webhook`,
        json_payload: { from: 'scripts/check-images.mjs' },
      }),
    });
    if (created.status !== 201)
      throw new Error(`POST /api/tasks through web answered ${created.status}: ${await created.text()}`);
    say('web → api: task created (201); waiting for the dummy webhook to receive it');
    await waitUntil(
      'a delivery at the dummy webhook',
      async () => (await (await fetch(`http://127.0.0.1:${ports['dummy-webhook']}/stats`)).json()).count >= 1,
      30_000,
    );
    say('publisher → worker → dummy-webhook: delivered');

    // ---- stop, as `docker compose down` does: SIGTERM, last started first
    for (const proc of running.reverse()) {
      const code = await proc.stop('SIGTERM');
      if (code === 0) say(`${proc.name}: SIGTERM → exit 0`);
      else failures.push(`${proc.name}: SIGTERM → ${code}\n${proc.output().slice(-2000)}`);
      const service = services[proc.name];
      if (!service.healthcheck && !/ started/.test(proc.output())) {
        failures.push(`${proc.name}: never logged that it started:\n${proc.output().slice(-2000)}`);
      }
    }
    running.length = 0;
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    await Promise.all(running.map((proc) => proc.stop('SIGKILL', 5_000)));
    await dropScratch({
      databaseUrl: local('DATABASE_URL'),
      redisUrl: local('REDIS_URL'),
      database,
      prefix,
    }).catch((error) => say(`cleanup: ${error.message}`));
    if (keep) say(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  if (process.exitCode === 130) return;
  if (failures.length > 0) {
    console.error(`\nimages:check FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    say('images:check passed: every image builds, starts, answers and stops as docker-compose.yml runs it');
  }
}

await main();
