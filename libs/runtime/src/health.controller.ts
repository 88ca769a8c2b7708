import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Database } from '@edoc/db';
import { Public } from '@edoc/identity';
import { ServiceReadiness } from './readiness';

/**
 * Liveness and readiness probes (terminus). With the CA certificate and CRL they are the only
 * routes without a token: orchestrators probe without credentials, and the answers hold no data.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ServiceReadiness,
    private readonly db: Database,
  ) {}

  @Public()
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Public()
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const state = this.readiness.describe();
        const session = this.indicators.check('startup');
        return state.phase === 'ready' ? session.up({ phase: state.phase }) : session.down({ phase: state.phase, detail: state.detail });
      },
      async () => {
        const session = this.indicators.check('database');
        try {
          await this.db.query('SELECT 1');
          return session.up();
        } catch (error) {
          return session.down({ detail: (error as Error).message });
        }
      },
      () => {
        const session = this.indicators.check('broker');
        return this.readiness.brokerConnected() ? session.up() : session.down({ detail: 'not connected' });
      },
    ]);
  }
}
