/**
 * Awaits statements sent together on one transaction's connection, which pipelines them (one round
 * trip for all; the server runs them in the order sent), and gives their results in that order.
 * Every one of them has settled before the first failure, in that order, is thrown: a statement
 * still running when the transaction ends would meet a connection handed to other work.
 */
export async function together<T extends readonly unknown[]>(...pending: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const outcomes = await Promise.allSettled(pending);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
