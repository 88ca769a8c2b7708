import { runService } from '@edoc/runtime';
import { IntakeModule } from './intake.module';

runService(IntakeModule);
