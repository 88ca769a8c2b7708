import { runService } from '@edoc/runtime';
import { ArchivalModule } from './archival.module';

runService(ArchivalModule);
