import { Priority } from '@edoc/contracts';
import { SubmissionContext, SubmissionInput, validateSubmission } from '../src/domain/submission';

const context: SubmissionContext = {
  senderCode: '000.00.13.H26',
  today: '2026-11-26',
  expandRecipients(entries) {
    const known = ['000.31.13.H26', '000.32.13.H26', '000.00.13.H26'];
    const codes = entries.flatMap((entry) => (entry === 'all-wards' ? ['000.31.13.H26', '000.32.13.H26'] : known.includes(entry) ? [entry] : []));
    return { codes: [...new Set(codes)], unknown: entries.filter((entry) => entry !== 'all-wards' && !known.includes(entry)) };
  },
  isSignerOf: (username, org) => username === 'ct.quan' && org === '000.00.13.H26',
};

const good: SubmissionInput = { type: 'CV', subject: 'Về việc tổng vệ sinh môi trường', recipients: ['all-wards'], signer: 'ct.quan' };

function problemsOf(input: SubmissionInput): string[] {
  const result = validateSubmission(input, context);
  return result.ok ? [] : result.problems;
}

describe('submission rules', () => {
  it('accepts a routine công văn and expands groups', () => {
    const result = validateSubmission({ ...good, urgency: 'THƯỢNG KHẨN' }, context);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.recipientCodes).toEqual(['000.31.13.H26', '000.32.13.H26']);
    expect(result.value.priority).toBe(Priority.VERY_URGENT);
    expect(result.value.typeCode).toBe('CV');
  });

  it.each(['MẬT', 'Tối mật', 'TUYET MAT'])('refuses a state-secret document marked %s', (secrecy) => {
    expect(problemsOf({ ...good, secrecy })).toEqual([expect.stringMatching(/^secrecy: state-secret documents .* are excluded/)]);
  });

  it('names a missing subject and one that is too long', () => {
    expect(problemsOf({ ...good, subject: '  ' })).toEqual(['subject: required (trích yếu)']);
    expect(problemsOf({ ...good, subject: 'ư'.repeat(501) })).toEqual(['subject: 501 characters, at most 500 allowed']);
    expect(problemsOf({ ...good, subject: 'ư'.repeat(500) })).toEqual([]);
  });

  it('names unknown recipients', () => {
    expect(problemsOf({ ...good, recipients: '000.31.13.H26,999.99.99.H99' })).toEqual(['recipients: unknown organisation or group "999.99.99.H99"']);
    expect(problemsOf({ ...good, recipients: [] })).toEqual(['recipients: at least one recipient organisation is required']);
  });

  it('refuses a unit sending only to itself', () => {
    expect(problemsOf({ ...good, recipients: ['000.00.13.H26'] })).toEqual(['recipients: a unit cannot send a document only to itself']);
  });

  it('refuses a signer of another unit, a bad type, a bad urgency and a bad due date together', () => {
    const problems = problemsOf({ ...good, signer: 'someone', type: 'XX', urgency: 'very', dueDate: '2026-02-30' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/signer: "someone" is not a signer of 000.00.13.H26/);
    expect(problems.join('\n')).toMatch(/type: unknown document type "XX"/);
    expect(problems.join('\n')).toMatch(/urgency: unknown "very"/);
    expect(problems.join('\n')).toMatch(/dueDate: "2026-02-30" is not a date/);
  });

  it('refuses a due date in the past', () => {
    expect(problemsOf({ ...good, dueDate: '2026-11-25' })).toEqual(['dueDate: 2026-11-25 is already past']);
  });

  it('takes the id of a returned document as the one a revision revises, and names anything else', () => {
    const result = validateSubmission({ ...good, revises: 'A1B2C3D4-0000-4000-8000-000000000001' }, context);
    expect(result.ok && result.value.revises).toBe('a1b2c3d4-0000-4000-8000-000000000001');
    expect(problemsOf({ ...good, revises: '12/UBND-VP' })).toEqual(['revises: "12/UBND-VP" is not a document id (the id of the document its signer returned)']);
  });
});
