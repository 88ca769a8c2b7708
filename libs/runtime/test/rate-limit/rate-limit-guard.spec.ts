import { Controller, HttpException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { Principal } from '@edoc/identity';
import { RateLimit } from '../../src/rate-limit/rate-limit.decorator';
import { RateLimitGuard } from '../../src/rate-limit/rate-limit.guard';
import { rateLimitsFromEnv } from '../../src/rate-limit/rate-limits';

@Controller()
class Routes {
  @RateLimit('submissions')
  submit(): void {}

  @RateLimit('downloads')
  download(): void {}

  @RateLimit('downloads')
  print(): void {}
}

const user = (username: string): Principal => ({ userId: `id-${username}`, username, orgCode: '000.00.13.H26', roles: ['clerk'], displayName: username });

function call(guard: RateLimitGuard, route: keyof Routes, principal: Principal | undefined, ip = '10.0.0.7'): Promise<{ status: number; headers: Record<string, string>; message?: string }> {
  const headers: Record<string, string> = {};
  const request = { principal, ip, headers: {} };
  const response = { setHeader: (name: string, value: string) => (headers[name] = value), header: (name: string, value: string) => (headers[name] = value) };
  const context = {
    getHandler: () => Routes.prototype[route],
    getClass: () => Routes,
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return guard.canActivate(context).then(
    () => ({ status: 200, headers }),
    (error: unknown) => {
      if (!(error instanceof HttpException)) throw error;
      return { status: error.getStatus(), headers, message: error.message };
    },
  );
}

describe('RateLimitGuard', () => {
  const saved = { ...process.env };
  let storage: ThrottlerStorageService;

  async function guardWith(env: Record<string, string>): Promise<RateLimitGuard> {
    Object.assign(process.env, env);
    storage = new ThrottlerStorageService();
    const guard = new RateLimitGuard({ throttlers: rateLimitsFromEnv(), setHeaders: false }, storage, new Reflector());
    await guard.onModuleInit();
    return guard;
  }

  afterEach(() => {
    storage?.onApplicationShutdown();
    process.env = { ...saved };
  });

  it('answers 429 with Retry-After once one user passes the limit, and counts each user apart', async () => {
    const guard = await guardWith({ EDOC_RATE_LIMIT_SUBMISSIONS: '3', EDOC_RATE_LIMIT_SUBMISSIONS_WINDOW_MS: '60000' });
    const clerk = user('hbt.clerk');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(guard, 'submit', clerk)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const refused = await call(guard, 'submit', clerk);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThanOrEqual(59);
    expect(Number(refused.headers['Retry-After'])).toBeLessThanOrEqual(60);
    expect(refused.message).toMatch(/hbt\.clerk may make 3 of this kind in 60 s; try again in \d+ s/);
    // A colleague at the same office address is not affected.
    expect((await call(guard, 'submit', user('tp.clerk'))).status).toBe(200);
  });

  it('keeps buckets apart and shares one bucket across its routes', async () => {
    const guard = await guardWith({ EDOC_RATE_LIMIT_SUBMISSIONS: '1', EDOC_RATE_LIMIT_DOWNLOADS: '2' });
    const clerk = user('hbt.clerk');
    expect((await call(guard, 'submit', clerk)).status).toBe(200);
    expect((await call(guard, 'submit', clerk)).status).toBe(429);
    expect((await call(guard, 'download', clerk)).status).toBe(200);
    expect((await call(guard, 'print', clerk)).status).toBe(200);
    expect((await call(guard, 'download', clerk)).status).toBe(429);
  });

  it('counts by address where no user is known', async () => {
    const guard = await guardWith({ EDOC_RATE_LIMIT_DOWNLOADS: '1' });
    expect((await call(guard, 'download', undefined, '192.0.2.1')).status).toBe(200);
    expect((await call(guard, 'download', undefined, '192.0.2.1')).status).toBe(429);
    expect((await call(guard, 'download', undefined, '192.0.2.2')).status).toBe(200);
  });

  it('takes the next request once the oldest leaves the window', async () => {
    const guard = await guardWith({ EDOC_RATE_LIMIT_DOWNLOADS: '1', EDOC_RATE_LIMIT_DOWNLOADS_WINDOW_MS: '1000' });
    const ward = user('bachdang.system');
    expect((await call(guard, 'download', ward)).status).toBe(200);
    const refused = await call(guard, 'download', ward);
    expect(refused).toMatchObject({ status: 429, headers: { 'Retry-After': '1' } });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await call(guard, 'download', ward)).status).toBe(200);
  });

  it('turns a bucket off with a limit of 0', async () => {
    const guard = await guardWith({ EDOC_RATE_LIMIT_SUBMISSIONS: '0' });
    for (let i = 0; i < 50; i++) expect((await call(guard, 'submit', user('hbt.clerk'))).status).toBe(200);
  });

  it('refuses a malformed limit at start rather than running without one', () => {
    process.env.EDOC_RATE_LIMIT_DOWNLOADS = 'many';
    expect(() => rateLimitsFromEnv()).toThrow('EDOC_RATE_LIMIT_DOWNLOADS must be a non-negative integer');
  });
});
