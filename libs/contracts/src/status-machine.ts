import { StatusCode } from './gen/edoc/v1/common_pb';
import { statusCodeText } from './status-codes';

/** Where a delivery stands: its last status (undefined before the first report) and any recall in progress. */
export interface DeliveryState {
  status: StatusCode | undefined;
  /** Set while a recall (13) waits for the recipient's answer: the status it would return to on 16. */
  recallFrom?: StatusCode | undefined;
  recallPending: boolean;
}

export type Reporter = 'sender' | 'recipient';

export type TransitionResult =
  | { kind: 'changed'; next: DeliveryState; recorded: StatusCode }
  | { kind: 'unchanged' }
  | { kind: 'refused'; reason: string };

const HANDLING_ORDER = [StatusCode.ARRIVED, StatusCode.ACCEPTED, StatusCode.ASSIGNED, StatusCode.IN_PROGRESS, StatusCode.COMPLETED];

/** Statuses a recipient may move to from each status (DOMAIN.md, "Status of a delivery"). */
const RECIPIENT_NEXT: ReadonlyMap<StatusCode | undefined, readonly StatusCode[]> = new Map<StatusCode | undefined, StatusCode[]>([
  [undefined, [StatusCode.ARRIVED, StatusCode.REFUSED, StatusCode.ACCEPTED]],
  [StatusCode.ARRIVED, [StatusCode.REFUSED, StatusCode.ACCEPTED]],
  [StatusCode.ACCEPTED, [StatusCode.ASSIGNED, StatusCode.IN_PROGRESS, StatusCode.COMPLETED]],
  [StatusCode.ASSIGNED, [StatusCode.IN_PROGRESS, StatusCode.COMPLETED]],
  [StatusCode.IN_PROGRESS, [StatusCode.COMPLETED]],
  [StatusCode.REFUSED, []],
  [StatusCode.COMPLETED, []],
  [StatusCode.RECALL_AGREED, []],
]);

const RECALLABLE = new Set<StatusCode | undefined>([undefined, StatusCode.ARRIVED, StatusCode.ACCEPTED, StatusCode.ASSIGNED, StatusCode.IN_PROGRESS]);

export const REASON_REQUIRED = new Set<StatusCode>([StatusCode.REFUSED, StatusCode.RECALL_REFUSED]);

function label(status: StatusCode | undefined): string {
  return status === undefined ? 'no status yet' : statusCodeText(status);
}

/** Decides whether a reported status may follow the current state; a refusal says why. */
export function applyStatus(state: DeliveryState, status: StatusCode, reporter: Reporter, reason: string): TransitionResult {
  if (REASON_REQUIRED.has(status) && reason.trim() === '') {
    return { kind: 'refused', reason: `status ${statusCodeText(status)} requires a reason` };
  }
  if (state.status === StatusCode.RECALL_AGREED) {
    return { kind: 'refused', reason: 'the document was recalled: no status may follow' };
  }

  if (status === StatusCode.RECALL_REQUESTED) {
    if (reporter !== 'sender') return { kind: 'refused', reason: 'only the sender may request a recall (13)' };
    if (state.recallPending) return { kind: 'unchanged' };
    if (!RECALLABLE.has(state.status)) {
      return { kind: 'refused', reason: `a delivery at ${label(state.status)} cannot be recalled` };
    }
    return { kind: 'changed', recorded: status, next: { status: StatusCode.RECALL_REQUESTED, recallFrom: state.status, recallPending: true } };
  }

  if (reporter !== 'recipient') return { kind: 'refused', reason: `status ${statusCodeText(status)} is reported by the recipient, not the sender` };

  if (state.recallPending) {
    if (status === StatusCode.RECALL_AGREED) {
      return { kind: 'changed', recorded: status, next: { status: StatusCode.RECALL_AGREED, recallPending: false } };
    }
    if (status === StatusCode.RECALL_REFUSED) {
      return { kind: 'changed', recorded: status, next: { status: state.recallFrom, recallPending: false } };
    }
    return { kind: 'refused', reason: 'a recall (13) waits for an answer: only 14 (agree) or 16 (refuse) may follow' };
  }
  if (status === StatusCode.RECALL_AGREED || status === StatusCode.RECALL_REFUSED) {
    return { kind: 'refused', reason: `status ${statusCodeText(status)} answers a recall, and none was requested` };
  }

  if (status === state.status) return { kind: 'unchanged' };
  const allowed = RECIPIENT_NEXT.get(state.status) ?? [];
  if (!allowed.includes(status)) {
    const hint = HANDLING_ORDER.includes(status) && !allowed.includes(status) && state.status !== undefined && HANDLING_ORDER.indexOf(status) < HANDLING_ORDER.indexOf(state.status) ? ' (statuses do not go back)' : '';
    return { kind: 'refused', reason: `status ${statusCodeText(status)} cannot follow ${label(state.status)}${hint}` };
  }
  return { kind: 'changed', recorded: status, next: { status, recallPending: false } };
}
