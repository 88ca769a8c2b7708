import { EdocExchanges, wardInboxQueue } from '@edoc/messaging';

/** Organisation codes as edoc provisions them (ddd.dd.dd.Ldd in the district, any safe token elsewhere). */
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The suffix of the queue that carries KHẨN, THƯỢNG KHẨN and HỎA TỐC documents. */
export const URGENT_QUEUE_SUFFIX = '.urgent';

/** The topic exchange a ward publishes its status reports to, with its own code as routing key. */
export const STATUS_EXCHANGE = EdocExchanges.status;

export interface WardQueues {
  /** `inbox.<code>`: normal documents. */
  normal: string;
  /** `inbox.<code>.urgent`: urgent documents, consumed first. */
  urgent: string;
}

export function assertWardCode(code: string): string {
  if (typeof code !== 'string' || !CODE.test(code)) {
    throw new Error(`invalid organisation code "${code}": expected letters, digits, ".", "_" or "-", such as 000.32.13.H26`);
  }
  return code;
}

/** The two queues a ward system consumes. */
export function wardQueues(code: string): WardQueues {
  const normal = wardInboxQueue(assertWardCode(code));
  return { normal, urgent: `${normal}${URGENT_QUEUE_SUFFIX}` };
}
