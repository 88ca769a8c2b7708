/** One value of a gauge with its labels, as a collect callback returns it. */
export interface GaugeSample {
  labels?: Record<string, string>;
  value: number;
}

/** A gauge whose values are read from the service's own data each time Prometheus scrapes. */
export interface CollectedGaugeSpec {
  /** Prometheus name, e.g. `edoc_documents`. */
  name: string;
  help: string;
  labelNames?: readonly string[];
  collect: () => Promise<GaugeSample[]> | GaugeSample[];
}

/**
 * A gauge computed by one SQL query on the service's own schema. The query returns one row per
 * sample: a column per label name (text) and a numeric column named `value`.
 */
export interface SqlGaugeSpec {
  name: string;
  help: string;
  labelNames?: readonly string[];
  sql: string;
  params?: unknown[];
}

/** Turns query rows into samples; a row whose value is not a finite number is a bug in the query, reported as one. */
export function rowsToSamples(spec: Pick<SqlGaugeSpec, 'name' | 'labelNames'>, rows: Record<string, unknown>[]): GaugeSample[] {
  return rows.map((row) => {
    const value = Number(row.value);
    if (row.value === null || row.value === undefined || !Number.isFinite(value)) {
      throw new Error(`gauge ${spec.name}: the query returned a row without a numeric "value" column`);
    }
    const labels: Record<string, string> = {};
    for (const label of spec.labelNames ?? []) {
      if (!(label in row)) throw new Error(`gauge ${spec.name}: the query returned no column "${label}" for the label of that name`);
      labels[label] = row[label] === null ? '' : String(row[label]);
    }
    return { labels, value };
  });
}
