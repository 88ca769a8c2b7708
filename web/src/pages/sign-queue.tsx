import { useEffect, useState } from 'preact/hooks';
import { call, signingUrl } from '../api';
import { ErrorBox } from '../components/error-box';
import { ListTable } from '../components/list-table';
import { PdfPreview } from '../components/pdf-preview';
import { t } from '../i18n';

interface SignatureRequest {
  documentId: string;
  state: string;
  typeCode: string;
  subject: string;
  urgency: string;
  signer: { username: string; fullName: string; position: string };
  submittedBy: string | null;
  requestedAt: string;
  overdue: boolean;
  files: { role: 'document' | 'attachment'; fileName: string; sha256: string; size: number }[];
}

/** The signer's queue: each request with its draft beside its metadata, approved or returned from here. */
export function SignQueuePage() {
  const [items, setItems] = useState<SignatureRequest[] | undefined>();
  const [open, setOpen] = useState<SignatureRequest | undefined>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string | undefined>();
  const [comment, setComment] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const reload = () => call<{ items: SignatureRequest[] }>(signingUrl('/sign-requests')).then((answer) => setItems(answer.items), setError);
  useEffect(() => {
    void reload();
  }, []);

  async function act(kind: 'approve' | 'return') {
    if (open === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      const body = kind === 'approve' ? (code.trim() === '' ? {} : { code: code.trim() }) : { comment };
      await call(signingUrl(`/sign-requests/${encodeURIComponent(open.documentId)}/${kind}`), { json: body });
      setNotice(kind === 'approve' ? t('approved') : t('returned'));
      setOpen(undefined);
      setComment('');
      setCode('');
      await reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const waiting = (items ?? []).filter((item) => item.state === 'awaiting_signature');
  const main = open?.files.find((file) => file.role === 'document');
  return (
    <section aria-labelledby="sign-title">
      <h1 id="sign-title">{t('signQueue')}</h1>
      {notice !== undefined && <p class="notice" role="status" id="sign-notice">{notice}</p>}
      {error !== undefined && <ErrorBox error={error} />}
      {items === undefined && <p role="status">{t('loading')}</p>}
      {items !== undefined && waiting.length === 0 && <p>{t('nothingWaiting')}</p>}
      {waiting.length > 0 && (
        <ListTable headers={[t('subject'), t('urgency'), t('submittedBy'), t('state')]}>
            {waiting.map((item) => (
              <tr class={item.overdue ? 'overdue' : undefined}>
                <td>
                  <button type="button" class="link" onClick={() => setOpen(item)}>
                    {item.typeCode} — {item.subject}
                  </button>
                </td>
                <td>{item.urgency}</td>
                <td>{item.submittedBy ?? ''}</td>
                <td>{item.overdue ? t('overdue') : new Date(item.requestedAt).toLocaleString()}</td>
              </tr>
            ))}
          </ListTable>
      )}
      {open !== undefined && (
        <div class="side-by-side">
          {main !== undefined ? <PdfPreview sha256={main.sha256} title={open.subject} /> : <p />}
          <div class="details">
            <h2>{open.subject}</h2>
            <dl>
              <dt>{t('type')}</dt>
              <dd>{open.typeCode}</dd>
              <dt>{t('urgency')}</dt>
              <dd>{open.urgency}</dd>
              <dt>{t('signer')}</dt>
              <dd>
                {open.signer.fullName} — {open.signer.position}
              </dd>
              <dt>{t('files')}</dt>
              <dd>
                {open.files.map((file) => (
                  <a href={`/files/${file.sha256}`} download={file.fileName}>
                    {file.fileName}{' '}
                  </a>
                ))}
              </dd>
            </dl>
            <label for="totp-code">{t('code')}</label>
            <input id="totp-code" inputMode="numeric" autoComplete="one-time-code" value={code} onInput={(event) => setCode((event.target as HTMLInputElement).value)} />
            <button type="button" id="approve" disabled={busy} onClick={() => act('approve')}>
              {t('approve')}
            </button>
            <label for="return-comment">{t('comment')}</label>
            <textarea id="return-comment" rows={2} value={comment} onInput={(event) => setComment((event.target as HTMLTextAreaElement).value)} />
            <button type="button" id="return" disabled={busy || comment.trim() === ''} onClick={() => act('return')}>
              {t('returnIt')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
