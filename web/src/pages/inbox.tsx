import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { ErrorBox } from '../components/error-box';
import { ListTable } from '../components/list-table';
import { SignatureReport, type VerificationReport } from '../components/signature-report';
import { statusWords, t, type WordKey } from '../i18n';

interface InboxItem {
  deliveryId: string;
  senderName: string;
  numberNotation: string;
  typeCode: string;
  subject: string;
  dueDate: string | null;
  urgency: number;
  arrivedAt: string | null;
  status: string | null;
  recallPending: boolean;
  file: { sha256: string; fileName: string } | null;
  attachments: { sha256: string; fileName: string }[];
}

const ACTIONS: [string, WordKey][] = [
  ['03', 'accept'],
  ['04', 'assign'],
  ['06', 'complete'],
  ['02', 'refuse'],
];

/** What arrived, most urgent first; each opened to download, and answered with a status. */
export function InboxPage() {
  const [items, setItems] = useState<InboxItem[] | undefined>();
  const [openId, setOpenId] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | undefined>();
  const [report, setReport] = useState<VerificationReport | undefined>();
  const [verifying, setVerifying] = useState(false);
  const reload = () => call<{ items: InboxItem[] }>('/inbox').then((answer) => setItems([...answer.items].sort((a, b) => b.urgency - a.urgency)), setError);
  useEffect(() => {
    void reload();
  }, []);

  async function reportStatus(status: string) {
    if (openId === undefined) return;
    setError(undefined);
    try {
      await call(`/inbox/${encodeURIComponent(openId)}/status`, { json: { status, ...(reason.trim() === '' ? {} : { reason: reason.trim() }) } });
      setNotice(`${t('reported')}: ${statusWords(status)}`);
      setReason('');
      await reload();
    } catch (failure) {
      setError(failure);
    }
  }

  async function verify(sha256: string) {
    setVerifying(true);
    setReport(undefined);
    setError(undefined);
    try {
      setReport(await call<VerificationReport>(`/files/${sha256}/verification`));
    } catch (failure) {
      setError(failure);
    } finally {
      setVerifying(false);
    }
  }

  const open = items?.find((item) => item.deliveryId === openId);
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t('inbox')}</h1>
      {notice !== undefined && <p class="notice" role="status" id="inbox-notice">{notice}</p>}
      {error !== undefined && <ErrorBox error={error} />}
      {items === undefined && <p role="status">{t('loading')}</p>}
      {items !== undefined && items.length === 0 && <p>{t('noDocuments')}</p>}
      {items !== undefined && items.length > 0 && (
        <ListTable headers={[t('number'), t('subject'), t('sender'), t('dueDate'), t('status')]}>
            {items.map((item) => (
              <tr class={item.urgency > 0 ? 'urgent' : undefined}>
                <td>{item.numberNotation}</td>
                <td>
                  <button
                    type="button"
                    class="link"
                    onClick={() => {
                      setOpenId(item.deliveryId);
                      setReport(undefined);
                    }}
                  >
                    {item.typeCode} — {item.subject}
                  </button>
                </td>
                <td>{item.senderName}</td>
                <td>{item.dueDate ?? ''}</td>
                <td>{statusWords(item.status)}</td>
              </tr>
            ))}
          </ListTable>
      )}
      {open !== undefined && (
        <div class="details" id="inbox-detail">
          <h2>
            {open.numberNotation} — {open.subject}
          </h2>
          <p>
            {open.file !== null && (
              <a href={`/files/${open.file.sha256}`} download={open.file.fileName}>
                {t('download')} {open.file.fileName}
              </a>
            )}
            {open.attachments.map((attachment) => (
              <a href={`/files/${attachment.sha256}`} download={attachment.fileName}>
                {' '}
                {attachment.fileName}
              </a>
            ))}
          </p>
          {open.file !== null && (
            <p>
              <button type="button" id="verify" disabled={verifying} onClick={() => verify(open.file!.sha256)}>
                {t('verify')}
              </button>
              {verifying && <span role="status"> {t('verifying')}</span>}
            </p>
          )}
          {report !== undefined && <SignatureReport report={report} />}
          <p>
            {t('status')}: <span id="inbox-status">{statusWords(open.status)}</span>
          </p>
          <label for="status-reason">{t('reason')}</label>
          <input id="status-reason" value={reason} onInput={(event) => setReason((event.target as HTMLInputElement).value)} />
          <div class="actions">
            {ACTIONS.map(([status, word]) => (
              <button type="button" id={`status-${status}`} onClick={() => reportStatus(status)}>
                {t(word)}
              </button>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
