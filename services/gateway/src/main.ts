import { runService } from '@edoc/runtime';
import { GatewayModule } from './gateway.module';

runService(GatewayModule);
