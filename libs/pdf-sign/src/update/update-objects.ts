import type { PdfObject } from '../core/pdf-objects';
import { PdfRef } from '../core/pdf-objects';
import type { NewStream } from '../core/serialize';

export interface UpdateObject {
  readonly ref: PdfRef;
  readonly value: PdfObject | NewStream;
}

/** Hands out new object numbers from the trailer's /Size on and collects what will be written. */
export class UpdateObjects {
  readonly objects: UpdateObject[] = [];
  private nextNum: number;

  constructor(firstFree: number) {
    this.nextNum = firstFree;
  }

  allocate(): PdfRef {
    return new PdfRef(this.nextNum++, 0);
  }

  add(value: PdfObject | NewStream): PdfRef {
    const ref = this.allocate();
    this.objects.push({ ref, value });
    return ref;
  }

  set(ref: PdfRef, value: PdfObject | NewStream): void {
    this.objects.push({ ref, value });
  }

  /** The /Size of the new revision. */
  get size(): number {
    return this.nextNum;
  }
}
