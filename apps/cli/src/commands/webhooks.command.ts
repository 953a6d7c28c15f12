import { Command, Option } from '@commander-js/extra-typings';
import type { WebhookTestResult } from '@scheduler/services';
import { headerValue, jsonValue, numberOrText } from './options';
import { jsonOption, print, withContext } from './tasks.command';

/** The answer as a person reads it: status and time first, then the body the webhook sent. */
function formatResult(result: WebhookTestResult): string {
  const head =
    result.http_status === null
      ? `no answer after ${result.execution_time} ms: ${result.error ?? ''}`
      : `HTTP ${result.http_status} in ${result.execution_time} ms${result.error ? ` (${result.error})` : ''}`;
  return result.response ? `${head}\n${result.response}` : head;
}

export function webhooksCommand(): Command {
  const webhooks = new Command('webhooks').description('webhooks themselves: send one a test request');

  webhooks
    .command('test')
    .description(
      'send one request now, through the checks and the client deliveries use (nothing is recorded); exits 1 unless the answer is 2xx',
    )
    .requiredOption('--url <url>', 'the webhook URL')
    .addOption(
      new Option('--payload <json>', 'JSON object or array to send').argParser(jsonValue('--payload')),
    )
    .option('--method <method>', 'POST (default), PUT, PATCH, DELETE or GET')
    .addOption(
      new Option('--header <header>', 'a request header "Name: value"; repeat it for more').argParser(
        headerValue,
      ),
    )
    .addOption(new Option('--timeout-ms <ms>', 'request time limit in ms').argParser(numberOrText))
    .option('--task <id>', "sign it with this task's secret (and render its name in templates)")
    .addOption(jsonOption())
    .action((options) =>
      withContext(async ({ webhookTestService }) => {
        const body = Object.fromEntries(
          Object.entries({
            webhook_url: options.url,
            json_payload: options.payload,
            http_method: options.method,
            headers: options.header,
            timeout_ms: options.timeoutMs,
            task_id: options.task,
          }).filter(([, value]) => value !== undefined),
        );
        const result = await webhookTestService.send(body);
        print(result, options.json, () => formatResult(result));
        if (result.error !== null) process.exitCode = 1;
      }),
    );

  return webhooks;
}
