import { create, DeliverySchema, BuiltinDeliveriesSchema } from '@edoc/contracts';
import { loadConfig } from '@edoc/config';
import { Directory } from '@edoc/directory';
import { PermanentMessageError } from '@edoc/messaging';
import { ArrivalService } from '../src/services/arrival.service';

const DISTRICT = '000.00.13.H26';
const BACH_DANG = '000.31.13.H26'; // built-in inbox
const CAU_DEN = '000.35.13.H26'; // built-in inbox
const BACH_KHOA = '000.32.13.H26'; // its own ward system

/** Refusals that need no database: the batch is refused whole, before anything is stored or asked. */
describe('ArrivalService: what a batch of built-in deliveries may hold', () => {
  const untouchable = new Proxy({}, { get: (_, name) => { throw new Error(`nothing may be touched before the batch is checked (${String(name)})`); } });
  const arrivals = new ArrivalService(untouchable as never, untouchable as never, untouchable as never, untouchable as never, Directory.fromFile(loadConfig().directoryFile), untouchable as never, untouchable as never);
  const delivery = (recipientCode: string, deliveryId: string) =>
    create(DeliverySchema, {
      deliveryId,
      documentId: '7d7b0c1e-0000-4000-8000-000000000001',
      senderCode: DISTRICT,
      recipientCode,
      metadata: { documentId: '7d7b0c1e-0000-4000-8000-000000000001', issuerCode: DISTRICT, typeCode: 'CV', subject: 'Thử', number: 1, notation: 'UBND' },
      file: { objectKey: 'sha256/00', sha256: '00', size: 1n, mediaType: 'application/pdf', fileName: 'a.pdf' },
    });
  const refusal = (deliveries: ReturnType<typeof delivery>[]) => arrivals.onBuiltinDeliveries(create(BuiltinDeliveriesSchema, { deliveries }), 'm-1').then(() => undefined, (error: unknown) => error);

  it('refuses a delivery to a ward that runs its own system: those go to its queue', async () => {
    const error = await refusal([delivery(BACH_DANG, '7d7b0c1e-0000-4000-8000-0000000000a1'), delivery(BACH_KHOA, '7d7b0c1e-0000-4000-8000-0000000000a2')]);
    expect(error).toBeInstanceOf(PermanentMessageError);
    expect((error as Error).message).toMatch(/000\.32\.13\.H26 runs its own ward system/);
  });

  it('refuses a batch that names one unit twice, and one without deliveries', async () => {
    const twice = await refusal([delivery(CAU_DEN, '7d7b0c1e-0000-4000-8000-0000000000b1'), delivery(CAU_DEN, '7d7b0c1e-0000-4000-8000-0000000000b2')]);
    expect((twice as Error).message).toMatch(/name 000\.35\.13\.H26 twice/);
    expect(((await refusal([])) as Error).message).toBe('deliveries.builtin without deliveries');
  });

  it('refuses ids that are not UUIDs before PostgreSQL would retry a cast error', async () => {
    const error = await refusal([delivery(BACH_DANG, 'not-a-uuid')]);
    expect(error).toBeInstanceOf(PermanentMessageError);
    expect((error as Error).message).toMatch(/"not-a-uuid".*not a UUID/);
  });
});
