import type { Targets } from './figures';

export const DEFAULT_TARGETS: Targets = { electronic: 100, onTime: 95, sameDayReceipt: 100 };

const VARIABLES: Record<keyof Targets, string> = {
  electronic: 'EDOC_TARGET_ELECTRONIC_PERCENT',
  onTime: 'EDOC_TARGET_ON_TIME_PERCENT',
  sameDayReceipt: 'EDOC_TARGET_SAME_DAY_RECEIPT_PERCENT',
};

/**
 * The targets from the environment (percent, 0 to 100), defaults from the district's plan. A
 * malformed value stops the service at start: a silently ignored target would misreport everyone.
 */
export function targetsFromEnv(env: NodeJS.ProcessEnv = process.env): Targets {
  const targets = { ...DEFAULT_TARGETS };
  for (const key of Object.keys(VARIABLES) as (keyof Targets)[]) {
    const raw = env[VARIABLES[key]];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(raw) || value < 0 || value > 100) {
      throw new Error(`${VARIABLES[key]} must be a percentage between 0 and 100, got "${raw}"`);
    }
    targets[key] = value;
  }
  return targets;
}
