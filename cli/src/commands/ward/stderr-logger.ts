import type { MessagingLogger } from '@edoc/messaging';

/** Connection news on stderr, so stdout keeps one line per delivery for scripts. */
export function stderrLogger(prefix: string): MessagingLogger {
  const write = (level: string, message: string) => console.error(`${new Date().toISOString()}  ${prefix} ${level}${message}`);
  return {
    log: (message) => write('', message),
    warn: (message) => write('warning: ', message),
    error: (message) => write('error: ', message),
  };
}
