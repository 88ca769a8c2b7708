/**
 * Drafts kept in this browser (IndexedDB, files included), so that a clerk can leave a document
 * half-composed and come back to it. They never leave the machine: nothing is sent before the clerk
 * sends it for signature.
 */
export interface StoredDraft<T> {
  id: string;
  savedAt: string;
  fields: T;
  file?: File;
  attachments: File[];
}

const DATABASE = 'edoc-drafts';
const STORE = 'drafts';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('the browser keeps no drafts here'));
  });
}

async function run<R>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<R>): Promise<R> {
  const db = await open();
  try {
    return await new Promise<R>((resolve, reject) => {
      const request = act(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('the draft could not be kept'));
    });
  } finally {
    db.close();
  }
}

export const saveDraft = <T>(draft: StoredDraft<T>) => run('readwrite', (store) => store.put(draft)).then(() => undefined);
export const listDrafts = <T>() => run('readonly', (store) => store.getAll() as IDBRequest<StoredDraft<T>[]>).then((all) => all.sort((a, b) => b.savedAt.localeCompare(a.savedAt)));
export const deleteDraft = (id: string) => run('readwrite', (store) => store.delete(id)).then(() => undefined);
