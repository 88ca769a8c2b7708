import { PdfSignError, inspectPdf, signPdfDetailed, verifyPdf } from '@edoc/pdf-sign';
import { type CorpusBases, type HostileInput, corpusDocument, hostileCorpus, withFormalSignature } from '@edoc/testing';
import { classicPdf } from '@edoc/testing';
import { qpdf } from './helpers/inputs';
import { type TestPki, makeTestPki } from './helpers/pki-fixture';

/**
 * Several hundred hostile inputs, generated from a fixed seed, through the three entry points a
 * stranger's file reaches: signing, verification and the intake preflight. Each must end in a
 * result or a PdfSignError naming the reason, within a few seconds and in bounded memory; never
 * in a RangeError, a stack overflow or any other exception.
 */
const MAX_SECONDS_PER_INPUT = 10;
const MAX_RSS_GROWTH_MB = 300;

type Outcome = string;

interface Result {
  readonly input: HostileInput;
  readonly sign: Outcome;
  readonly verify: Outcome;
  readonly inspect: Outcome;
  readonly seconds: number;
  readonly crashes: string[];
}

describe('hostile-input corpus', () => {
  let pki: TestPki;
  let corpus: HostileInput[];
  const results: Result[] = [];

  beforeAll(() => {
    pki = makeTestPki();
    const classic = classicPdf(corpusDocument());
    const bases: CorpusBases = {
      classic,
      compressed: qpdf(classic, '--deterministic-id', '--object-streams=generate', '--compress-streams=y'),
      signed: withFormalSignature(classic),
    };
    corpus = hostileCorpus(bases);
  });

  test('the corpus is large and covers every category', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(250);
    const categories = new Set(corpus.map((i) => i.category));
    for (const c of ['truncation', 'bit flips in xref/trailer', 'flate bomb', 'deep nesting', '/Prev loop', 'self-referencing /Length', 'object stream in itself', 'huge /Size', 'absurd offsets', 'garbage after %%EOF']) {
      expect(categories).toContain(c);
    }
  });

  test('every input ends in a result or a PdfSignError with a reason, quickly and in bounded memory', async () => {
    const rssBefore = process.resourceUsage().maxRSS / 1024;
    for (const input of corpus) results.push(await run(input, pki));
    const rssGrowth = process.resourceUsage().maxRSS / 1024 - rssBefore;

    console.log(summary(results, rssGrowth));
    expect(results.flatMap((r) => r.crashes.map((c) => `${r.input.category} / ${r.input.name}: ${c}`))).toEqual([]);
    expect(results.filter((r) => r.seconds > MAX_SECONDS_PER_INPUT).map((r) => `${r.input.name}: ${r.seconds.toFixed(1)} s`)).toEqual([]);
    expect(rssGrowth).toBeLessThan(MAX_RSS_GROWTH_MB);
  });

  test('what the issue reported now ends as it should', () => {
    const outcome = (name: string) => results.find((r) => r.input.name === name);
    expect(outcome('object stream whose /Length is itself')).toMatchObject({ sign: 'signed', verify: 'no signatures' });
    expect(outcome('classic + 8 KiB')).toMatchObject({ sign: 'signed', inspect: 'acceptable' });
    expect(outcome('array 10000 deep in a page')).toMatchObject({ sign: 'NESTING_TOO_DEEP', inspect: 'refused OVER_BUDGET' });
    expect(outcome('object stream inflating to 2 GiB')).toMatchObject({ sign: 'BUDGET_EXCEEDED', verify: 'BUDGET_EXCEEDED', inspect: 'refused OVER_BUDGET' });
    expect(outcome('two updates pointing at each other')).toMatchObject({ sign: 'signed after repair' });
    // Signing reads only the page it signs; the preflight walks the whole tree and finds the loop.
    expect(outcome('page tree whose /Kids contain the root')).toMatchObject({ sign: 'signed', inspect: 'refused UNPARSEABLE' });
    expect(outcome('/Root a cycle of references')?.sign).toBe('REFERENCE_CYCLE');
    expect(outcome('encrypted (trailer /Encrypt)')).toMatchObject({ sign: 'ENCRYPTED_PDF', inspect: 'refused ENCRYPTED' });
  });
});

/** Each entry point in turn; an output that claims success is checked as well. */
async function run(input: HostileInput, pki: TestPki): Promise<Result> {
  const crashes: string[] = [];
  const started = process.hrtime.bigint();
  const pdf = input.make();
  const attempt = async (what: string, fn: () => Promise<string> | string): Promise<Outcome> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof PdfSignError && e.message.length > 10) return e.code;
      crashes.push(`${what} threw ${(e as Error)?.name}: ${(e as Error)?.message?.slice(0, 200)}`);
      return 'CRASH';
    }
  };
  const sign = await attempt('signPdf', async () => {
    const { pdf: signed, repaired } = await signPdfDetailed(pdf, { identity: pki.personId, appearance: { kind: 'invisible' } });
    // A success must be a file our verifier accepts: the new signature covers it all and passes.
    const ours = verifyPdf(signed, { anchorsPem: pki.anchorsPem }).signatures.at(-1);
    if (ours?.indication !== 'TOTAL_PASSED' || !ours.coversWholeFile) crashes.push(`signPdf produced a file whose signature does not verify: ${JSON.stringify(ours?.checks.filter((c) => c.status === 'fail'))}`);
    return repaired ? 'signed after repair' : 'signed';
  });
  const verify = await attempt('verifyPdf', () => {
    const report = verifyPdf(pdf, { anchorsPem: pki.anchorsPem });
    return `${report.signatures.length ? 'signatures checked' : 'no signatures'}${report.damaged ? ' (damaged)' : ''}`;
  });
  const inspect = await attempt('inspectPdf', () => {
    const r = inspectPdf(pdf);
    return r.acceptable ? 'acceptable' : `refused ${[...new Set(r.refusals.map((x) => x.code))].sort().join('+')}`;
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { input, sign, verify, inspect, seconds, crashes };
}

function summary(results: Result[], rssGrowthMb: number): string {
  const categories = [...new Set(results.map((r) => r.input.category))];
  const tally = (rs: Result[], key: 'sign' | 'verify' | 'inspect') => {
    const counts = new Map<string, number>();
    for (const r of rs) counts.set(r[key], (counts.get(r[key]) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  };
  const lines = [`hostile-input corpus: ${results.length} inputs, ${results.reduce((s, r) => s + r.seconds, 0).toFixed(1)} s in all, slowest ${Math.max(...results.map((r) => r.seconds)).toFixed(2)} s, peak RSS growth ${Math.round(rssGrowthMb)} MB, crashes ${results.reduce((s, r) => s + r.crashes.length, 0)}`];
  const slowest = [...results].sort((a, b) => b.seconds - a.seconds).slice(0, 3);
  lines.push(`slowest: ${slowest.map((r) => `${r.input.name} ${r.seconds.toFixed(2)} s`).join('; ')}`);
  for (const c of categories) {
    const rs = results.filter((r) => r.input.category === c);
    lines.push(`\n${c} (${rs.length})`, `  sign:    ${tally(rs, 'sign')}`, `  verify:  ${tally(rs, 'verify')}`, `  inspect: ${tally(rs, 'inspect')}`);
  }
  return lines.join('\n');
}
