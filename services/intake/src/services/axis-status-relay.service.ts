import { Injectable } from '@nestjs/common';
import type { StatusCode } from '@edoc/contracts';
import type { Tx } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { EventOutbox } from '@edoc/runtime';
import { statusMessageXml } from '../domain/edxml-status';
import { EdxmlImportsRepository } from '../repositories/edxml-imports.repository';

export interface AppliedChange {
  deliveryId: string;
  documentId: string;
  senderCode: string;
  recipientCode: string;
  reportedStatus: StatusCode;
  reason: string;
  reportedBy: string;
  occurredAt: Date;
}

/**
 * Sends the outside sender of a document imported from the axis each status its recipients here
 * report, as an edXML Status message the axis gateway posts, in the transaction that records the
 * change: none is lost, none goes twice. The 13 of a recall came from the sender and goes nowhere.
 */
@Injectable()
export class AxisStatusRelay {
  constructor(
    private readonly directory: Directory,
    private readonly imports: EdxmlImportsRepository,
    private readonly events: EventOutbox,
  ) {}

  async relay(tx: Tx, changes: readonly AppliedChange[]): Promise<void> {
    for (const change of changes) {
      if (change.reportedBy !== change.recipientCode || this.directory.get(change.senderCode)?.channel !== 'axis') continue;
      const imported = await this.imports.ofDocument(change.documentId, tx);
      if (imported === undefined) continue;
      const recipientName = this.directory.get(change.recipientCode)?.name ?? change.recipientCode;
      await this.events.emit(tx, 'edxmlStatusOutgoing', {
        documentId: change.documentId,
        deliveryId: change.deliveryId,
        toCode: imported.organId,
        statusXml: statusMessageXml(imported, { recipientCode: change.recipientCode, recipientName, status: change.reportedStatus, reason: change.reason, occurredAt: change.occurredAt }),
      });
    }
  }
}
