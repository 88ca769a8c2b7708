import { runService } from '@edoc/runtime';
import { SigningModule } from './signing.module';

runService(SigningModule);
