/**
 * RabbitMQ answers a wrong user name, a wrong password and an unknown user alike: 403
 * ACCESS_REFUSED during the handshake ("Login was refused"). Waiting does not change that answer,
 * so a first connect stops at once instead of retrying until its timeout.
 */
export function isLoginRefused(reason: string): boolean {
  return /ACCESS[-_]REFUSED/.test(reason) && /Handshake terminated|Login was refused/.test(reason);
}

/**
 * amqplib's words when the login succeeded but the broker would not open the virtual host: it
 * hides the broker's reason, which is either "vhost not found" or "access to vhost refused". The
 * two cannot be told apart from the client.
 */
export function isVhostRefused(reason: string): boolean {
  return reason.includes('Expected ConnectionOpenOk; got <ConnectionClose');
}
