import { MIN_PASSWORD_LENGTH, passwordProblems } from '../src/domain/password-rules';

describe('password rules', () => {
  it('accepts a long, uncommon password', () => {
    expect(passwordProblems('ngựa-ô-chạy-qua-cầu-tre', 'hbt.clerk')).toEqual([]);
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    const elevenVietnamese = 'ườườườườườư';
    expect(passwordProblems(elevenVietnamese, 'x')).toEqual([`password: at least ${MIN_PASSWORD_LENGTH} characters (got 11)`]);
  });

  it('refuses the username, common passwords, absurd lengths and non-text, without echoing the password', () => {
    expect(passwordProblems('HBT.Clerk.Lead', 'hbt.clerk.lead')).toEqual(['password: must not be the username']);
    expect(passwordProblems('password1234', 'x')).toContain('password: is one of the most common passwords; choose another');
    expect(passwordProblems('a'.repeat(300), 'x')).toEqual(['password: at most 256 characters']);
    expect(passwordProblems(12345678901234, 'x')).toEqual(['password: required, as text']);
    const secret = 'short-secret';
    expect(passwordProblems(secret.slice(0, 8), 'x').join(' ')).not.toContain('short-se');
  });
});
