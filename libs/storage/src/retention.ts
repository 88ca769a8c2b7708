import { StorageError } from './errors';

/** A retention date must be a real date in the future; anything else would silently mean "no retention". */
export function assertRetainUntil(retainUntil: Date | undefined, now = new Date()): void {
  if (retainUntil === undefined) return;
  if (!(retainUntil instanceof Date) || Number.isNaN(retainUntil.getTime())) {
    throw new StorageError('INVALID_RETENTION', `retainUntil must be a valid Date, got ${String(retainUntil)}`);
  }
  if (retainUntil.getTime() <= now.getTime()) {
    throw new StorageError('INVALID_RETENTION', `retainUntil ${retainUntil.toISOString()} is not in the future`);
  }
}
