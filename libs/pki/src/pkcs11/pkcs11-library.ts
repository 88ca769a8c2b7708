import * as graphene from 'graphene-pk11';
import { PkiError } from '../errors';

/** One initialised module per library path and process: C_Initialize twice is an error. */
const loaded = new Map<string, graphene.Module>();

export function loadPkcs11Library(path: string): graphene.Module {
  const known = loaded.get(path);
  if (known !== undefined) return known;
  let library: graphene.Module;
  try {
    library = graphene.Module.load(path);
    library.initialize();
  } catch (error) {
    throw new PkiError('TOKEN_ABSENT', `cannot load the PKCS#11 library ${path}: ${(error as Error).message}`);
  }
  loaded.set(path, library);
  return library;
}

/**
 * Finalises every PKCS#11 library this process loaded (C_Finalize), closing their sessions: at the
 * end of a process's use of tokens, and between test files that share a process.
 */
export function unloadPkcs11Libraries(): void {
  for (const [path, library] of loaded) {
    try {
      library.finalize();
    } catch {
      // finalised already, or the device is gone
    }
    loaded.delete(path);
  }
}
