import { Logger } from '@nestjs/common';

/** The part of Nest's LoggerService the messaging code uses; pass your own to route the output. */
export interface MessagingLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function defaultLogger(context: string): MessagingLogger {
  return new Logger(context);
}
