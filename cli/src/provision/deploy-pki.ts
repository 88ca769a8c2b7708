import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { keyHoldersOf } from '@edoc/runtime';
import { writePublicFile } from './files';
import { filesUnder, keyFilesUnder } from './key-files';
import { dataFolderPki } from './demo-pki';
import { PkiDirectory } from './pki-directory';

export interface DeployedPki {
  certificates: number;
  /** Keys placed, each with the services whose secrets folders now hold it. */
  keys: { base: string; holders: string[] }[];
  /** Keys of the CA folder no service uses (the root CA's): left where they are. */
  leftBehind: string[];
}

/**
 * Puts a district PKI made with `edoc pki` (one folder holding certificates and keys) into a data
 * folder the way services read it: the certificates and the CRL in <data dir>/pki, each private key
 * only in the secrets folder of the services that use it. The root CA's key is never copied.
 */
export function deployPki(caDir: string, dataDir: string): DeployedPki {
  if (!existsSync(join(caDir, 'root-ca.cert.pem'))) throw new Error(`${caDir} holds no PKI (no root-ca.cert.pem): make one with \`edoc pki init --dir ${caDir}\``);
  const source = new PkiDirectory(caDir);
  const target = dataFolderPki(dataDir);
  let certificates = 0;
  for (const file of filesUnder(caDir, (name) => name.endsWith('.cert.pem') || name.endsWith('.crl.pem') || name === 'issuing-ca.revoked.json')) {
    writePublicFile(join(target.dir, relative(caDir, file)), readFileSync(file, 'utf8'));
    if (file.endsWith('.cert.pem')) certificates++;
  }
  const keys: DeployedPki['keys'] = [];
  const leftBehind: string[] = [];
  for (const file of keyFilesUnder(caDir)) {
    const base = relative(caDir, file).replace(/\.key\.pem$/, '').split(sep).join('/');
    const holders = keyHoldersOf(base);
    if (holders.length === 0) {
      leftBehind.push(file);
      continue;
    }
    target.write(base, source.read(base, base), true);
    keys.push({ base, holders });
  }
  return { certificates, keys, leftBehind };
}
