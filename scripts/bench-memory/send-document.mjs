// One document through the exchange, as a clerk's client and the recipients would see it, timed
// at each milestone from the moment its upload starts. Every byte that comes back is hashed as it
// arrives: the benchmark itself holds no file in memory.
import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';

const DISTRICT = '000.00.13.H26';

export async function sendDocument(stack, { pdfPath, recipients = ['all-wards'], timeoutMs = 600_000 }) {
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  const deadline = Date.now() + timeoutMs;
  const times = {};

  const form = new FormData();
  form.append('metadata', JSON.stringify({ type: 'CV', subject: 'Về việc đo bộ nhớ với tệp lớn', recipients, signer: 'hbt.signer' }));
  form.append('file', await openAsBlob(pdfPath, { type: 'application/pdf' }), 'ho-so-lon.pdf');
  const clerk = stack.token('hbt.clerk');
  const submitted = await fetch(stack.url('intake', '/documents'), { method: 'POST', headers: { authorization: `Bearer ${clerk}` }, body: form });
  if (submitted.status !== 202) throw new Error(`submission refused: ${submitted.status} ${await submitted.text()}`);
  const { documentId } = await submitted.json();
  times.accepted = since();

  // The signer approves as soon as the request reaches signing, as a signer at the desk would.
  const signer = stack.token('hbt.signer');
  await until(stack, deadline, 'approved by the signer', async () => {
    const answer = await fetch(stack.url('signing', `/sign-requests/${documentId}/approve`), { method: 'POST', headers: { authorization: `Bearer ${signer}` } });
    const text = await answer.text();
    if (answer.status === 202) return true;
    if (answer.status !== 404) throw new Error(`approval refused: ${answer.status} ${text}`);
    return undefined;
  });
  times.approved = since();

  const view = await until(stack, deadline, 'issued and delivered to every recipient', async () => {
    const current = await getJson(stack.url('intake', `/documents/${documentId}`), clerk);
    if (current.failure !== null) throw new Error(`the document failed at ${current.failure.stage}: ${current.failure.reason}`);
    if (current.state === 'issued') times.issued ??= since();
    const builtin = current.deliveries.filter((d) => d.channel === 'builtin');
    if (builtin.length > 0 && builtin.every((d) => d.status !== null)) times.builtinArrived ??= since();
    return times.builtinArrived !== undefined && current.deliveries.length > 0 ? current : undefined;
  });

  // The ward systems fetch the file themselves, all at once, as they would on delivery.
  const wardSystems = stack.users().filter((user) => user.roles.includes('ward-system') && view.deliveries.some((d) => d.channel === 'queue' && d.recipientCode === user.orgCode));
  await Promise.all(wardSystems.map((ward) => downloadChecked(deadline, stack.url('intake', `/files/${view.file.sha256}`), ward.token, view.file)));
  times.wardsDownloaded = since();

  const admin = stack.token('admin');
  await until(stack, deadline, 'archived', async () => (await getJson(stack.url('archival', `/archive/records?org=${DISTRICT}`), admin)).records.find((r) => r.documentId === documentId));
  times.archived = since();
  return { documentId, issuedFile: view.file, recipients: view.deliveries.length, wardDownloads: wardSystems.length, times };
}

async function until(stack, deadline, what, check) {
  for (;;) {
    stack.assertAlive();
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the document to be ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function getJson(url, token) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Streams a download through SHA-256; right after a delivery, edoc may not have recorded the recipient yet (403): try again. */
async function downloadChecked(deadline, url, token, expected) {
  for (;;) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (response.status === 403 && Date.now() < deadline) {
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of response.body) {
      hash.update(chunk);
      size += chunk.length;
    }
    if (size !== expected.size || hash.digest('hex') !== expected.sha256) throw new Error(`the download of ${url} does not match the issued file`);
    return;
  }
}
