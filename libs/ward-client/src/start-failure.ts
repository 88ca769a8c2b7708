import { isVhostRefused, type ConnectFailure } from '@edoc/messaging';

/** Who the ward client is on the broker, for messages an operator can act on. */
export interface BrokerIdentity {
  code: string;
  user: string;
  vhost: string;
  /** The broker URL with its password redacted. */
  url: string;
}

/** Whether waiting can help, and what to tell the ward's operator. */
export interface ConsumeVerdict {
  fatal: boolean;
  message: string;
}

/** The line logged for a failed attempt to reach the broker; the client retries after it. */
export function describeConnectFailure(failure: ConnectFailure, who: BrokerIdentity): string {
  const what = failure.firstConnect ? 'cannot connect to' : 'cannot reconnect to';
  return `${what} RabbitMQ at ${who.url} (attempt ${failure.attempt}): ${explainConnectReason(failure.reason, who)}; retrying in ${seconds(failure.retryInMs)}`;
}

function explainConnectReason(reason: string, who: BrokerIdentity): string {
  if (isVhostRefused(reason)) {
    // Both causes may be a provisioning not finished yet, and the broker's answer does not say which.
    return `the broker accepted the login of "${who.user}" but would not open virtual host "${who.vhost}": it does not exist (yet), or the user has no permission on it (yet)`;
  }
  if (/ECONNREFUSED/.test(reason)) return `${reason} (nothing accepts connections there: the broker is not running, or restarting)`;
  return reason;
}

/** Why a refused login ends the client: no retry can fix a wrong user or password. */
export function describeLoginRefused(who: BrokerIdentity): string {
  return `cannot connect to RabbitMQ at ${who.url}: the broker refused the login of broker user "${who.user}" (ACCESS_REFUSED): wrong user name or password, or no such user; ask edoc's administrators for ward ${who.code}'s broker credentials`;
}

/**
 * Judges a failure to consume one of the ward's queues. ACCESS_REFUSED is fatal: the ward's own
 * user may read both its queues from the moment it exists (provisioning grants that in one step),
 * so a refusal means this user is not the ward's or the code is wrong. NOT_FOUND is not: a queue
 * the user may read but that does not exist is a topology not provisioned yet (or a quorum queue
 * still recovering after a broker restart), which comes right by itself.
 */
export function judgeConsumeFailure(queue: string, reason: string, who: BrokerIdentity): ConsumeVerdict {
  if (/ACCESS[-_]REFUSED/.test(reason)) {
    return {
      fatal: true,
      message: `broker user "${who.user}" may not read queue ${queue} in virtual host "${who.vhost}" (ACCESS_REFUSED): it is not the broker user of ward ${who.code}, or its permissions are wrong; ask edoc's administrators`,
    };
  }
  if (/NOT[-_]FOUND/.test(reason)) {
    return {
      fatal: false,
      message: `queue ${queue} does not exist in virtual host "${who.vhost}" (yet): edoc's provisioning declares it (if this lasts, check the code ${who.code})`,
    };
  }
  return { fatal: false, message: `cannot consume ${queue} yet: ${reason}` };
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
