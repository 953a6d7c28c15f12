// The baseline of `npm run bench:api`: a bare Fastify server running the same SQL as
// the API (the same repositories, the same pool size), behind the same API-key check,
// and nothing else — no Nest, no validation, no rate limit, no request log.
// Started by api-bench.mjs with DATABASE_URL, BARE_PORT and API_KEY.
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';

const { nextRunAt } = await import('../../../packages/core/dist/index.js');
const { AttemptRepository, TaskRepository, createDatabase } =
  await import('../../../packages/db/dist/index.js');

const db = createDatabase(process.env.DATABASE_URL, { max: 10 });
const tasks = new TaskRepository(db);
const attempts = new AttemptRepository(db);
const sha256 = (text) => createHash('sha256').update(text).digest();
const expected = sha256(process.env.API_KEY);

const app = Fastify({ bodyLimit: 1024 * 1024 });
app.addHook('onRequest', async (request, reply) => {
  const key = request.headers['x-api-key'];
  if (typeof key !== 'string' || !timingSafeEqual(sha256(key), expected)) {
    return reply.code(401).send({ error: { code: 'UNAUTHORIZED' } });
  }
});

app.get('/api/tasks/:id', async (request, reply) => {
  const { id } = request.params;
  const task = await tasks.findById(id);
  if (!task) return reply.code(404).send({ error: { code: 'NOT_FOUND' } });
  const { job_id: _, ...view } = task;
  return { ...view, logs: await attempts.listForTask(id, 20) };
});

app.post('/api/tasks', async (request, reply) => {
  const input = request.body;
  const timezone = input.timezone ?? 'UTC';
  const { job_id: _, ...view } = await tasks.create({
    task_name: input.task_name,
    task_schedule: input.task_schedule,
    webhook_url: input.webhook_url,
    json_payload: JSON.stringify(input.json_payload),
    max_retry: input.max_retry ?? 3,
    timezone,
    enabled: input.enabled ?? true,
    next_run_at: nextRunAt(input.task_schedule, timezone, new Date()),
  });
  return reply.code(201).send(view);
});

await app.listen({ port: Number(process.env.BARE_PORT), host: '127.0.0.1' });
process.stdout.write('bare listening\n');
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => db.destroy())
    .then(() => process.exit(0));
});
