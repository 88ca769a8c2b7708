/** A small fetch wrapper for tests: JSON or bytes back, with the status kept for assertions. */
export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  bytes: Buffer;
}

export async function http<T = unknown>(url: string, init: { method?: string; token?: string; json?: unknown; form?: FormData; headers?: Record<string, string> } = {}): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let body: string | FormData | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form !== undefined) {
    body = init.form;
  }
  const response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const bytes = Buffer.from(await response.arrayBuffer());
  let parsed: unknown = undefined;
  if ((response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(bytes.toString('utf8'));
  return { status: response.status, body: parsed as T, bytes };
}

/** A multipart submission as a clerk's client sends it. */
export function submissionForm(metadata: Record<string, unknown>, file: Buffer | undefined, attachments: Buffer[] = [], fileName = 'document.pdf'): FormData {
  const form = new FormData();
  form.append('metadata', JSON.stringify(metadata));
  if (file !== undefined) form.append('file', new Blob([file], { type: 'application/pdf' }), fileName);
  attachments.forEach((a, i) => form.append('attachments', new Blob([a], { type: 'application/pdf' }), `attachment-${i + 1}.pdf`));
  return form;
}
