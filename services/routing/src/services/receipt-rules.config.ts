import { Injectable } from '@nestjs/common';
import { env, envInt } from '@edoc/config';
import { parseClock, ReceiptRules } from '../domain/receipt-deadline';

/** EDOC_FLASH_RECEIPT_MINUTES (default 15) and EDOC_WORKDAY_END (default 17:00, Vietnam time). */
@Injectable()
export class ReceiptRulesConfig implements ReceiptRules {
  readonly flashMinutes = envInt('EDOC_FLASH_RECEIPT_MINUTES', 15);
  readonly workdayEndMinutes = parseClock(env('EDOC_WORKDAY_END', '17:00'));
}
