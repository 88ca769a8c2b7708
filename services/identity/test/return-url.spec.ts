import { allowedReturnUrl } from '../src/domain/return-url';

const origins = ['http://localhost:3004', 'https://edoc.hbt.gov.vn'];

describe('return URL after sign-in', () => {
  it('keeps a URL on a known edoc origin', () => {
    expect(allowedReturnUrl('http://localhost:3004/dashboard?year=2026', origins)).toBe('http://localhost:3004/dashboard?year=2026');
    expect(allowedReturnUrl('https://edoc.hbt.gov.vn/', origins)).toBe('https://edoc.hbt.gov.vn/');
  });

  it('refuses anything that could send the browser elsewhere', () => {
    for (const raw of [
      'https://evil.example/',
      '//evil.example/',
      '/dashboard',
      'javascript:alert(1)',
      'http://localhost:3004@evil.example/',
      'http://user:pw@localhost:3004/',
      'https://edoc.hbt.gov.vn.evil.example/',
      'http://localhost:3005/',
      `http://localhost:3004/${'a'.repeat(2100)}`,
      42,
      '',
    ]) {
      expect(allowedReturnUrl(raw, origins)).toBeUndefined();
    }
  });
});
