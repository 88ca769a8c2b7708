import { runService } from '@edoc/runtime';
import { MetricsModule } from './metrics.module';

runService(MetricsModule);
