import { readFileSync } from 'node:fs';
import { env } from '@edoc/config';

/**
 * The HSM (or any PKCS#11 token) that holds signers' and organisations' keys: EDOC_HSM_MODULE (the
 * PKCS#11 library), EDOC_HSM_TOKEN (the token's label) and the user PIN in the file
 * EDOC_HSM_PIN_FILE (or EDOC_HSM_PIN). Keys are found by label: "person/<username>" and
 * "org/<organisation code>"; their certificates stay in the key store's folder.
 */
export interface HsmSettings {
  module: string;
  tokenLabel: string;
  pin: string;
}

export function hsmSettingsFromEnv(): HsmSettings | undefined {
  const module = env('EDOC_HSM_MODULE');
  if (module === undefined || module === '') return undefined;
  const tokenLabel = env('EDOC_HSM_TOKEN');
  if (tokenLabel === undefined || tokenLabel === '') throw new Error('EDOC_HSM_MODULE is set: set EDOC_HSM_TOKEN to the label of the token that holds the keys');
  const pinFile = env('EDOC_HSM_PIN_FILE');
  const pin = pinFile !== undefined ? readFileSync(pinFile, 'utf8').trim() : env('EDOC_HSM_PIN');
  if (pin === undefined || pin === '') throw new Error('EDOC_HSM_MODULE is set: set EDOC_HSM_PIN_FILE to a file holding the token\'s user PIN');
  return { module, tokenLabel, pin };
}

export const hsmKeyLabel = {
  person: (username: string) => `person/${username}`,
  organisation: (orgCode: string) => `org/${orgCode}`,
};
