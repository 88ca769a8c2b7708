import type { EdocConfig } from '@edoc/config';
import type { EdocService } from './message-contract';

/** What makes one edoc service different from the others. */
export interface ServiceOptions {
  /**
   * "intake", "signing", ...: also the PostgreSQL schema the service owns, and the name of its
   * broker user. The queues it consumes and who may publish what on them come from MESSAGE_CONTRACT.
   */
  name: EdocService;
  /** HTTP port when EDOC_PORT is not set. */
  defaultPort: number;
  /** Folder of the service's own SQL migrations. */
  migrationsDir: string;
  /** Serve an OpenAPI description at /docs (and /docs-json) with this title. */
  openApi?: { title: string; description: string };
  /** Called once the database is migrated and the broker is reachable, before consuming starts. */
  onReady?: (config: EdocConfig) => Promise<void>;
  /** How long a message's effect waits for others to share its transaction (InboxTransactions); default MESSAGE_BATCH_LINGER_MS. */
  messageBatchLingerMs?: number;
}

export const SERVICE_OPTIONS = Symbol('SERVICE_OPTIONS');
export const EDOC_CONFIG = Symbol('EDOC_CONFIG');
export const OBJECT_STORE = Symbol('OBJECT_STORE');
