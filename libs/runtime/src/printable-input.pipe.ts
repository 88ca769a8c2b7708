import { ArgumentMetadata, Injectable, PipeTransform, UnprocessableEntityException } from '@nestjs/common';
import { firstOf, unprintableFields } from '@edoc/contracts';

/**
 * Every service, every route: a body, query or path value holding a NUL, another control character
 * (tab and line breaks aside) or a lone surrogate is answered 422 before any handler, so before any
 * database call. PostgreSQL would refuse it with a 500; a CSV, a log or a notation would carry it.
 */
@Injectable()
export class PrintableInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query' && metadata.type !== 'param') return value;
    const bad = unprintableFields(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
    if (bad.length > 0) {
      throw new UnprocessableEntityException([`${firstOf(bad, 10, (field) => field)}: control characters and unpaired surrogates are not allowed`]);
    }
    return value;
  }
}
