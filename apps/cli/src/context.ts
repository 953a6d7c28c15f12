import { type Config, createLogger, type Logger } from '@scheduler/config';
import { AttemptRepository, createDatabase, type Database, TaskRepository } from '@scheduler/db';
import { createDeliveryQueue, createRedisConnection, type DeliveryQueue, type Redis } from '@scheduler/queue';
import { TaskService } from '@scheduler/services';

/** Everything a command needs, built with plain constructors; `close()` releases it all. */
export interface Context {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis;
  queue: DeliveryQueue;
  tasks: TaskRepository;
  attempts: AttemptRepository;
  taskService: TaskService;
  close(): Promise<void>;
}

export function createContext(config: Config, role: string, poolSize = 10): Context {
  const logger = createLogger(role, config);
  const db = createDatabase(config.databaseUrl, { max: poolSize });
  const redis = createRedisConnection(config.redisUrl);
  const queue = createDeliveryQueue(redis, config.redisPrefix);
  const tasks = new TaskRepository(db);
  const attempts = new AttemptRepository(db);
  const taskService = new TaskService({ tasks, attempts, queue, retryBackoffMs: config.retryBackoffMs });
  return {
    config,
    logger,
    db,
    redis,
    queue,
    tasks,
    attempts,
    taskService,
    async close() {
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
      await db.destroy();
    },
  };
}
