import { type DynamicModule, Module } from '@nestjs/common';
import {
  AttemptService,
  DashboardService,
  DestinationService,
  RunService,
  TaskService,
  WebhookTestService,
} from '@scheduler/services';
import type { ApiContext } from './context';
import { DashboardController } from './dashboard/dashboard.controller';
import { DestinationsController } from './destinations/destinations.controller';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { API_KEY_MATCHER, apiKeyMatcher } from './http/api-key';
import { REDIS } from './http/queue-available.guard';
import { EventsController } from './events/events.controller';
import { LiveEvents } from './events/live-events';
import { LogsController } from './logs/logs.controller';
import { ClusterMetrics } from './metrics/cluster-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { RunsController } from './runs/runs.controller';
import { TasksController } from './tasks/tasks.controller';
import { WebhooksController } from './webhooks/webhooks.controller';

/** Nest's view of the API: the controllers, and the services built outside it, as values. */
@Module({})
export class ApiModule {
  static forContext(context: ApiContext): DynamicModule {
    return {
      module: ApiModule,
      controllers: [
        TasksController,
        RunsController,
        LogsController,
        DestinationsController,
        DashboardController,
        HealthController,
        MetricsController,
        EventsController,
        WebhooksController,
      ],
      providers: [
        { provide: TaskService, useValue: context.taskService },
        { provide: AttemptService, useValue: context.attemptService },
        { provide: RunService, useValue: context.runService },
        { provide: DashboardService, useValue: context.dashboardService },
        { provide: DestinationService, useValue: context.destinationService },
        { provide: WebhookTestService, useValue: context.webhookTestService },
        { provide: HealthService, useValue: context.healthService },
        { provide: ClusterMetrics, useValue: context.clusterMetrics },
        { provide: LiveEvents, useValue: context.liveEvents },
        { provide: REDIS, useValue: context.redis },
        { provide: API_KEY_MATCHER, useValue: apiKeyMatcher(context.config.apiKey) },
      ],
    };
  }
}
