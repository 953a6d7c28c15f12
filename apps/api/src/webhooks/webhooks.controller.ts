import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { WebhookTestService } from '@scheduler/services';
import { QueueAvailableGuard } from '../http/queue-available.guard';
import { ref } from '../openapi/components';
import { ApiKeyRoute } from '../openapi/decorators';
import type { WebhookTestResponse } from '../openapi/views';

@ApiTags('webhooks')
@Controller('api/webhooks')
export class WebhooksController {
  constructor(@Inject(WebhookTestService) private readonly tests: WebhookTestService) {}

  @Post('test')
  @HttpCode(200)
  // The request goes through flow control, kept in Redis: wait briefly for a connection
  // being made (the API has just started), then answer 503.
  @UseGuards(QueueAvailableGuard)
  @ApiOperation({
    summary: 'Send a test request',
    description:
      'One request now, through the checks and the client every delivery goes through: a URL they refuse (an IP literal of a refused class, a host resolving to one when connecting) or a payload Discord would refuse is a 400 and nothing is sent. Answers what the webhook answered, whatever its status. No run, no attempt: nothing is recorded.',
  })
  @ApiBody({ schema: ref('WebhookTest') })
  @ApiResponse({
    status: 200,
    description: 'What the webhook answered, or why nothing came back.',
    schema: ref('WebhookTestResult'),
  })
  @ApiKeyRoute('VALIDATION_ERROR', 'PAYLOAD_TOO_LARGE')
  async test(@Body() body: unknown): Promise<WebhookTestResponse> {
    return this.tests.send(body);
  }
}
