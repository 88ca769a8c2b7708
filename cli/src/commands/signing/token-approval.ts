import { parseCertificatePem, Pkcs11SigningKey, PkiError, unloadPkcs11Libraries } from '@edoc/pki';
import type { ApiClient } from '../../http/api-client';
import { readSecret } from './secret-input';

export interface TokenOptions {
  pkcs11Module: string;
  slot?: number;
  tokenLabel?: string;
  pinEnv?: string;
  pinFile?: string;
  /** Where the signature goes when the document prints no signature block. */
  placement?: { page: number; x: number; y: number; width: number; height: number };
}

interface TokenPreparation {
  signedAttributes: string;
  signedAttributesDigest: string;
  certificate: string;
}

/**
 * Approves a request with the signer's own token: edoc prepares the draft and hands over the signed
 * attributes, the token signs them (the key never leaves it), edoc checks the signature against the
 * signer's certificate and embeds it. The token's key is the one that belongs to that certificate;
 * a token without it (another person's) is refused before anything is sent.
 */
export async function approveWithToken(api: ApiClient, documentId: string, options: TokenOptions, progress: (line: string) => void): Promise<unknown> {
  const pin = readSecret({ env: options.pinEnv, file: options.pinFile }, 'token PIN');
  if (pin === undefined) throw new Error('give the token PIN with --pin-env VAR or --pin-file FILE (never on the command line)');
  if (options.slot === undefined && options.tokenLabel === undefined) throw new Error('name the token: --slot N or --token-label LABEL');
  const path = `/sign-requests/${encodeURIComponent(documentId)}`;
  const prepared = await api.json<TokenPreparation>('POST', `${path}/prepare`, options.placement === undefined ? {} : { placement: options.placement });
  progress(`prepared: the token signs attributes with SHA-256 ${prepared.signedAttributesDigest}`);
  let key: Pkcs11SigningKey | undefined;
  try {
    key = Pkcs11SigningKey.open({ module: options.pkcs11Module, slot: options.slot, tokenLabel: options.tokenLabel, pin, certificate: parseCertificatePem(prepared.certificate) });
    const signature = key.sign(Buffer.from(prepared.signedAttributes, 'base64'));
    return await api.json('POST', `${path}/complete`, { signature: signature.toString('base64') });
  } catch (error) {
    if (error instanceof PkiError && error.code === 'KEY_MISMATCH') throw new Error(`this token holds no key of the signer named in the request: ${error.message}`);
    throw error;
  } finally {
    key?.close();
    unloadPkcs11Libraries();
  }
}
