import { runService } from '@edoc/runtime';
import { IdentityServiceModule } from './identity-service.module';

runService(IdentityServiceModule);
