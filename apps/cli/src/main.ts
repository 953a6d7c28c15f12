import { Command } from '@commander-js/extra-typings';
import { publisherCommand } from './commands/publisher.command';
import { tasksCommand } from './commands/tasks.command';
import { workerCommand } from './commands/worker.command';

const program = new Command('scheduler')
  .description('Task Scheduler: cron-scheduled webhooks over BullMQ and PostgreSQL')
  .showHelpAfterError('(run with --help for usage)')
  // Usage errors exit 2, like every other bad input; --help and --version exit 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .addCommand(publisherCommand())
  .addCommand(workerCommand())
  .addCommand(tasksCommand());

for (const command of program.commands.flatMap((c) => [c, ...c.commands]))
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
