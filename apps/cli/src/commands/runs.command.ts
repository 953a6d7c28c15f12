import { Command, Option } from '@commander-js/extra-typings';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  parseTaskInput,
  runListQuerySchema,
  runStatuses,
  runTriggers,
} from '@scheduler/core';
import { jsonValue } from './options';
import { formatRunLine } from './task-format';
import { jsonOption, print, RedisError, withContext } from './tasks.command';

export function runsCommand(): Command {
  const runs = new Command('runs').description('run history: list, show, retry and cancel runs');

  runs
    .command('list')
    .description('list runs, newest first')
    .option('--task <id>', "only this task's runs")
    .option(
      '--status <status>',
      `only runs in this status, or several separated by commas (${runStatuses.join(', ')})`,
    )
    .addOption(new Option('--trigger <trigger>', 'only runs with this trigger').choices(runTriggers))
    .option('--from <instant>', 'only runs due at or after this instant (ISO 8601, or a date)')
    .option('--to <instant>', 'only runs due at or before this instant (ISO 8601, or a date)')
    .option('--page <n>', 'page number (default 1)')
    .option('--limit <n>', `runs per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`)
    .addOption(jsonOption())
    .action((options) =>
      withContext(async ({ runService }) => {
        // The API's query schema, so both refuse the same values with the same words.
        const query = {
          task_id: options.task,
          status: options.status,
          trigger: options.trigger,
          from: options.from,
          to: options.to,
          page: options.page,
          limit: options.limit,
        };
        const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
        const page = await runService.list(parseTaskInput(runListQuerySchema, given));
        print(page, options.json, () => {
          if (page.data.length === 0)
            return page.meta.total === 0 ? 'no runs' : `no runs on page ${page.meta.page}`;
          return [
            ...page.data.map((run) => `${formatRunLine(run)}  ${run.task_name}`),
            `page ${page.meta.page}/${page.meta.total_pages} · ${page.meta.total} ${page.meta.total === 1 ? 'run' : 'runs'}`,
          ].join('\n');
        });
      }),
    );

  runs
    .command('get')
    .description('show a run and its attempts')
    .argument('<id>', 'run id')
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ runService }) => {
        const run = await runService.getWithAttempts(id);
        print(run, options.json, () =>
          [
            `run:         ${run.id}`,
            `task:        ${run.task_name} (${run.task_id})`,
            `due:         ${run.scheduled_for.toISOString()}`,
            `trigger:     ${run.trigger}${run.retry_of ? ` of run ${run.retry_of}` : ''}`,
            `status:      ${run.status}`,
            `message:     ${run.message ?? '-'}`,
            ...(run.payload_override === null
              ? []
              : [`payload:     ${JSON.stringify(run.payload_override)}`]),
            `attempts:    ${run.attempts.length === 0 ? 'none yet' : ''}`,
            ...run.attempts.map(
              (a) =>
                `  ${a.created_at.toISOString()}  ${a.status.padEnd(9)} try ${a.retry_count}  ` +
                `${a.http_status ?? '---'}  ${a.execution_time ?? '-'} ms  ${(a.message ?? '').slice(0, 80)}`,
            ),
          ].join('\n'),
        );
      }),
    );

  runs
    .command('retry')
    .description('send a failed, cancelled or expired run again, now, as a new run')
    .argument('<id>', 'run id')
    .addOption(
      new Option(
        '--payload <json>',
        "JSON object or array to send instead of the task's payload, this time only",
      ).argParser(jsonValue('--payload')),
    )
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ runService, queue }) => {
        // Redis first: a run is made in PostgreSQL only once it can be queued.
        await queue.waitUntilReady().catch((error: unknown) => {
          throw new RedisError(error);
        });
        const run = await runService.retry(
          id,
          options.payload === undefined ? undefined : { json_payload: options.payload },
        );
        print(run, options.json, () => `queued run ${run.id}, a retry of run ${id}\n${formatRunLine(run)}`);
      }),
    );

  runs
    .command('cancel')
    .description('cancel a queued or running run (exits 1 when it has ended)')
    .argument('<id>', 'run id')
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ runService }) => {
        const run = await runService.cancel(id);
        print(run, options.json, () => `cancelled run ${run.id}\n${formatRunLine(run)}`);
      }),
    );

  return runs;
}
