import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { terminalSafeLines } from '@scheduler/config';
import { destinationsCommand } from './commands/destinations.command';
import { publisherCommand } from './commands/publisher.command';
import { runsCommand } from './commands/runs.command';
import { tasksCommand } from './commands/tasks.command';
import { webhooksCommand } from './commands/webhooks.command';
import { workerCommand } from './commands/worker.command';

const program = new Command('scheduler')
  .description('Task Scheduler: cron-scheduled webhooks over BullMQ and PostgreSQL')
  .showHelpAfterError('(run with --help for usage)')
  // The root's help spells out each command's options and the task commands (SPEC §7), not "[options]".
  .configureHelp({ subcommandTerm: commandSummary })
  // Usage errors exit 2, like every other bad input; --help and --version exit 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .addCommand(publisherCommand())
  .addCommand(workerCommand())
  .addCommand(tasksCommand())
  .addCommand(runsCommand())
  .addCommand(destinationsCommand())
  .addCommand(webhooksCommand());

// Commander's usage errors quote what was typed (`unknown option '…'`): shown terminal-safe.
for (const command of [program, ...program.commands.flatMap((c) => [c, ...c.commands])])
  command
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .configureOutput({ outputError: (text, write) => write(terminalSafeLines(text)) });

/** `publisher [--interval <ms>] [--once]`, `tasks list|get|…`, `help [command]`. */
function commandSummary(command: CommandUnknownOpts): string {
  const subcommands = command.commands.map((sub) => sub.name()).join('|');
  const options = command.options
    .filter((option) => !option.hidden && option.long !== '--help')
    // The flags as declared, less a short form (`--interval <ms>`); in brackets unless mandatory.
    .map((option) => {
      const flags = option.flags.replace(/^-\w[, |]\s*/, '');
      return option.mandatory ? flags : `[${flags}]`;
    });
  const args = command.registeredArguments.map((arg) =>
    arg.required ? `<${arg.name()}>` : `[${arg.name()}${arg.variadic ? '...' : ''}]`,
  );
  return [command.name(), subcommands, ...options, ...args].filter((part) => part !== '').join(' ');
}

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(
    `error: ${terminalSafeLines(error instanceof Error ? error.message : String(error))}\n`,
  );
  process.exit(1);
});
