import { describeConnectFailure, describeLoginRefused, judgeConsumeFailure, type BrokerIdentity } from '@edoc/ward-client';

const WHO: BrokerIdentity = { code: '000.32.13.H26', user: 'ward-000.32.13.H26@edoc', vhost: 'edoc', url: 'amqp://ward-000.32.13.H26%40edoc:***@broker:5672/edoc' };

describe('why a ward client waits, or gives up', () => {
  it('gives up when its user may not read a queue: waiting cannot fix that', () => {
    const verdict = judgeConsumeFailure('inbox.000.32.13.H26', `Operation failed: BasicConsume; 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - access to queue 'inbox.000.32.13.H26' in vhost 'edoc' refused for user 'x'"`, WHO);
    expect(verdict).toEqual({ fatal: true, message: expect.stringContaining('broker user "ward-000.32.13.H26@edoc" may not read queue inbox.000.32.13.H26 in virtual host "edoc" (ACCESS_REFUSED)') });
  });

  it('waits for a queue that does not exist yet, and says provisioning declares it', () => {
    const verdict = judgeConsumeFailure('inbox.000.32.13.H26.urgent', `Operation failed: BasicConsume; 404 (NOT-FOUND) with message "NOT_FOUND - no queue 'inbox.000.32.13.H26.urgent' in vhost 'edoc'"`, WHO);
    expect(verdict.fatal).toBe(false);
    expect(verdict.message).toBe(`queue inbox.000.32.13.H26.urgent does not exist in virtual host "edoc" (yet): edoc's provisioning declares it (if this lasts, check the code 000.32.13.H26)`);
  });

  it('waits through anything else a broker restart or a slow broker can cause', () => {
    for (const reason of ['setting up channel consume inbox.x: no answer from the broker within 5000 ms', 'its connection closed while the channel was being opened', 'Channel closed']) {
      expect(judgeConsumeFailure('inbox.x', reason, WHO)).toEqual({ fatal: false, message: `cannot consume inbox.x yet: ${reason}` });
    }
  });

  it('explains a failed connect attempt, with the pause before the next', () => {
    expect(describeConnectFailure({ reason: 'connect ECONNREFUSED 127.0.0.1:5672', attempt: 3, retryInMs: 4_000, firstConnect: true }, WHO)).toBe(
      `cannot connect to RabbitMQ at ${WHO.url} (attempt 3): connect ECONNREFUSED 127.0.0.1:5672 (nothing accepts connections there: the broker is not running, or restarting); retrying in 4 s`,
    );
    expect(describeConnectFailure({ reason: 'Expected ConnectionOpenOk; got <ConnectionClose channel:0>', attempt: 1, retryInMs: 500, firstConnect: false }, WHO)).toBe(
      `cannot reconnect to RabbitMQ at ${WHO.url} (attempt 1): the broker accepted the login of "ward-000.32.13.H26@edoc" but would not open virtual host "edoc": it does not exist (yet), or the user has no permission on it (yet); retrying in 500 ms`,
    );
  });

  it('names the user, not the password, when the login is refused', () => {
    expect(describeLoginRefused(WHO)).toBe(
      `cannot connect to RabbitMQ at ${WHO.url}: the broker refused the login of broker user "ward-000.32.13.H26@edoc" (ACCESS_REFUSED): wrong user name or password, or no such user; ask edoc's administrators for ward 000.32.13.H26's broker credentials`,
    );
  });
});
