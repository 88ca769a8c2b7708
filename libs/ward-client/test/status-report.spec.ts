import { randomUUID } from 'node:crypto';
import { StatusCode } from '@edoc/contracts';
import { buildStatusReport } from '@edoc/ward-client';
import { WARD } from './support/deliveries';

describe('buildStatusReport', () => {
  const deliveryId = randomUUID();
  const documentId = randomUUID();

  it('builds a report from the ward under a fresh message id, or the one given for a re-send', () => {
    const first = buildStatusReport(WARD, { deliveryId, documentId, status: '03', handler: 'Văn thư' });
    expect(first.report).toMatchObject({ deliveryId, documentId, fromCode: WARD, status: StatusCode.ACCEPTED, handler: 'Văn thư', reason: '' });
    expect(first.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(buildStatusReport(WARD, { deliveryId, documentId, status: '03' }).messageId).not.toBe(first.messageId);
    expect(buildStatusReport(WARD, { deliveryId, documentId, status: StatusCode.ACCEPTED, messageId: first.messageId }).messageId).toBe(first.messageId);
  });

  it('refuses what edoc would dead-letter, naming the problem', () => {
    expect(() => buildStatusReport(WARD, { deliveryId, documentId, status: '13' })).toThrow('status "13" cannot be reported by a ward: use one of 01, 02, 03, 04, 05, 06, 14, 16');
    expect(() => buildStatusReport(WARD, { deliveryId, documentId, status: '7' })).toThrow('cannot be reported by a ward');
    expect(() => buildStatusReport(WARD, { deliveryId, documentId, status: '02', reason: '  ' })).toThrow('status 02 needs a reason');
    expect(() => buildStatusReport(WARD, { deliveryId: 'x', documentId, status: '01' })).toThrow('delivery id "x" is not a UUID');
    expect(() => buildStatusReport(WARD, { deliveryId, documentId: '', status: '01' })).toThrow('needs the document id');
    expect(() => buildStatusReport(WARD, { deliveryId, documentId, status: '01', messageId: 'again' })).toThrow('message id "again" is not a UUID');
  });

  it('carries the reason of a refusal', () => {
    expect(buildStatusReport(WARD, { deliveryId, documentId, status: '02', reason: 'gửi nhầm đơn vị' }).report.reason).toBe('gửi nhầm đơn vị');
  });
});
