import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { metricsTheCodeExports, ROOT } from './code-facts';

interface Rule {
  alert?: string;
  expr?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; runbook?: string };
}

const rules = (load(readFileSync(join(ROOT, 'deploy', 'prometheus', 'edoc-alerts.yml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

/** The alerting rules stay true to the code: a renamed metric would silently never fire. */
describe('deploy/prometheus/edoc-alerts.yml', () => {
  test('every rule is named, has an expression, a severity, a summary and a runbook that exists', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Edoc[A-Za-z]+$/);
      expect(rule.expr).toBeTruthy();
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      const [file, anchor] = (rule.annotations?.runbook ?? '').split('#');
      const doc = readFileSync(join(ROOT, file!), 'utf8');
      if (anchor !== undefined) expect(doc.split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^#+\s*/, '').toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-'))).toContain(anchor);
    }
  });

  test('every metric a rule uses is one the code registers', () => {
    const exported = metricsTheCodeExports();
    const used = new Set(rules.flatMap((rule) => rule.expr!.match(/edoc_[a-z0-9_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  test('alerts on what the archive renewal and the axis gateway report', () => {
    expect(rules.map((rule) => rule.alert)).toEqual(expect.arrayContaining(['EdocArchiveRenewalBlocked', 'EdocArchiveHorizonNear', 'EdocArchiveRenewalsFailing', 'EdocAxisDeadRows', 'EdocDeadLetters']));
  });
});
