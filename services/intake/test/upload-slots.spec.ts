import { PrometheusRegistry } from '@edoc/runtime';
import { UploadSlots } from '../src/uploads/upload-slots';

describe('upload slots', () => {
  const registry = () => new PrometheusRegistry({ serviceName: 'intake', queues: [], queueStats: { stats: async () => new Map() }, processMetrics: false });
  const slots = (prometheus = registry()) => {
    process.env.EDOC_UPLOAD_CONCURRENCY = '3';
    process.env.EDOC_UPLOAD_CONCURRENCY_PER_USER = '2';
    try {
      return new UploadSlots(prometheus);
    } finally {
      delete process.env.EDOC_UPLOAD_CONCURRENCY;
      delete process.env.EDOC_UPLOAD_CONCURRENCY_PER_USER;
    }
  };
  const taken = (slot: ReturnType<UploadSlots['acquire']>) => {
    if ('refused' in slot) throw new Error(`refused: ${slot.refused}`);
    return slot;
  };

  it('gives a user at most its share and intake at most its total, and takes back what is released, once', () => {
    const s = slots();
    const a1 = taken(s.acquire('a'));
    taken(s.acquire('a'));
    expect(s.acquire('a')).toEqual({ refused: 'a already has 2 uploads in progress, the most one user may have at once' });
    const b1 = taken(s.acquire('b'));
    expect(s.acquire('c')).toEqual({ refused: 'intake is taking in 3 uploads, as many as it takes at once' });
    b1.release();
    b1.release();
    taken(s.acquire('c'));
    expect('refused' in s.acquire('d')).toBe(true);
    a1.release();
    taken(s.acquire('a'));
  });

  it('reports the uploads in progress to Prometheus, so an operator sees intake nearing its limit', async () => {
    const prometheus = registry();
    const s = slots(prometheus);
    s.onModuleInit();
    const inProgress = async () => (await prometheus.metrics()).split('\n').find((line) => line.startsWith('edoc_uploads_in_progress'));
    const a = taken(s.acquire('a'));
    taken(s.acquire('b'));
    expect(await inProgress()).toBe('edoc_uploads_in_progress{service="intake"} 2');
    a.release();
    expect(await inProgress()).toBe('edoc_uploads_in_progress{service="intake"} 1');
  });
});
