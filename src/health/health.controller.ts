import { Controller, Get, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

import { DatabaseProbe } from '../database/database-probe.js';
import { DEPENDENCY_STATUS, type DependencyStatus } from './dependency-status.js';

// Well under the connect timeout, so a probe never outlives the orchestrator's patience.
const DATABASE_PING_TIMEOUT_MS = 1_000;

@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseProbe,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * Liveness: the process is up and its event loop answers. It checks no
   * dependency on purpose: restarting the process would not bring a lost
   * database back, and the pool reconnects by itself.
   */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Readiness: 200 while PostgreSQL answers, 503 while it does not (take the
   * instance out of rotation). Outside services (identity providers) are
   * listed with their state but never fail it: see DependencyStatus.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    const dependencies = this.dependencies();
    const states = dependencies?.status() ?? {};
    // Only when there is something to report: without providers the answer is as it always was.
    const reported = dependencies && Object.keys(states).length > 0;
    return this.health.check([
      () => this.pingDatabase(),
      ...(reported ? [() => this.indicators.check(dependencies.indicatorName).up(states)] : []),
    ]);
  }

  private dependencies(): DependencyStatus | null {
    try {
      return this.moduleRef.get<DependencyStatus>(DEPENDENCY_STATUS, { strict: false });
    } catch {
      return null; // no feature reports one
    }
  }

  private async pingDatabase() {
    const database = this.indicators.check('database');
    try {
      await this.database.answers(DATABASE_PING_TIMEOUT_MS);
      return database.up();
    } catch (error) {
      // The reason names hosts and ports: it goes to the log, not to whoever asks.
      this.logger.warn(`Database ping failed: ${error instanceof Error ? error.message : String(error)}`);
      return database.down();
    }
  }
}
