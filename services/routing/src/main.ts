import { runService } from '@edoc/runtime';
import { RoutingModule } from './routing.module';

runService(RoutingModule);
