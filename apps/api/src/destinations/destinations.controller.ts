import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DestinationService } from '@scheduler/services';
import { ref } from '../openapi/components';
import { ApiKeyRoute } from '../openapi/decorators';
import {
  type DestinationListResponse,
  destinationListView,
  type DestinationResponse,
  destinationView,
} from '../openapi/views';

const ApiDestinationKey = () =>
  ApiParam({
    name: 'key',
    description:
      'The destination, URL-encoded: an origin (https%3A%2F%2Fexample.com%3A443) or discord:<webhook id>. Anything else is a 400.',
    schema: { type: 'string' },
    example: 'discord:1234567890',
  });

@ApiTags('destinations')
@Controller('api/destinations')
export class DestinationsController {
  constructor(@Inject(DestinationService) private readonly destinations: DestinationService) {}

  @Get()
  @ApiOperation({
    summary: 'List destinations',
    description:
      'Every destination a task aims at or that has limits of its own: the limits in force, requests in flight, whether it is held (until when, why), runs waiting and 429s in the last hour.',
  })
  @ApiResponse({ status: 200, description: 'The destinations.', schema: ref('DestinationList') })
  @ApiKeyRoute()
  async list(): Promise<DestinationListResponse> {
    return destinationListView(await this.destinations.list());
  }

  @Put(':key')
  @ApiOperation({
    summary: 'Set a destination’s limits',
    description: 'Any of max_concurrency, rate_limit_max, rate_limit_per_seconds; null clears one.',
  })
  @ApiDestinationKey()
  @ApiBody({ schema: ref('DestinationLimits') })
  @ApiResponse({
    status: 200,
    description: 'The destination, with the limits in force.',
    schema: ref('Destination'),
  })
  @ApiKeyRoute('VALIDATION_ERROR')
  async set(@Param('key') key: string, @Body() body: unknown): Promise<DestinationResponse> {
    return destinationView(await this.destinations.set(key, body));
  }

  @Delete(':key')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Reset a destination',
    description: 'Forgets its own limits: the defaults apply again.',
  })
  @ApiDestinationKey()
  @ApiResponse({ status: 204, description: 'Its limits are the defaults again.' })
  @ApiKeyRoute('VALIDATION_ERROR')
  async reset(@Param('key') key: string): Promise<void> {
    await this.destinations.reset(key);
  }
}
