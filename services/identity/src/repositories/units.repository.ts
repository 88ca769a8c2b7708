import { Injectable } from '@nestjs/common';
import type { Queryable } from '@edoc/db';
import type { Organisation } from '@edoc/directory';

/** identity.units: the directory's units, so that every user belongs to one that exists. */
@Injectable()
export class UnitsRepository {
  async sync(tx: Queryable, units: readonly Organisation[]): Promise<void> {
    await tx.query(
      `INSERT INTO identity.units (code, name, parent_code, channel, synced_at)
       SELECT u.code, u.name, u.parent_code, u.channel, now()
       FROM jsonb_to_recordset($1::jsonb) AS u(code text, name text, parent_code text, channel text)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, parent_code = EXCLUDED.parent_code, channel = EXCLUDED.channel, synced_at = now()`,
      [JSON.stringify(units.map((unit) => ({ code: unit.code, name: unit.name, parent_code: unit.parentCode ?? null, channel: unit.channel })))],
    );
  }
}
