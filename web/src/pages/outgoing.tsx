import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { ErrorBox } from '../components/error-box';
import { ListTable } from '../components/list-table';
import { stateWords, statusWords, t } from '../i18n';
import { navigate } from '../router';

interface DocumentSummary {
  documentId: string;
  typeCode: string;
  subject: string;
  state: string;
  numberNotation: string | null;
  submittedAt: string;
}

interface DocumentDetail extends DocumentSummary {
  returned: { by: string; comment: string } | null;
  deliveries: { deliveryId: string; recipientCode: string; recipientName: string; status: string | null; updatedAt: string; receiptOverdue: boolean; recallPending: boolean }[];
}

/** How often an open document's statuses are fetched again (the issue allows 5 s at most). */
const POLL_MS = 5000;

/** The unit's documents, and for the one open each recipient's status, kept current. */
export function OutgoingPage() {
  const [items, setItems] = useState<DocumentSummary[] | undefined>();
  const [openId, setOpenId] = useState<string | undefined>();
  const [detail, setDetail] = useState<DocumentDetail | undefined>();
  const [error, setError] = useState<unknown>();
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | undefined>();
  useEffect(() => {
    call<{ items: DocumentSummary[] }>('/documents').then((answer) => setItems(answer.items), setError);
  }, []);
  useEffect(() => {
    if (openId === undefined) return undefined;
    let stopped = false;
    const load = () =>
      call<DocumentDetail>(`/documents/${encodeURIComponent(openId)}`).then(
        (answer) => !stopped && setDetail(answer),
        (failure) => !stopped && setError(failure),
      );
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [openId]);

  async function recall(event: Event) {
    event.preventDefault();
    if (openId === undefined) return;
    setError(undefined);
    try {
      await call(`/documents/${encodeURIComponent(openId)}/recall`, { json: { reason } });
      setNotice(t('recalled'));
      setReason('');
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <section aria-labelledby="outgoing-title">
      <h1 id="outgoing-title">{t('outgoing')}</h1>
      {notice !== undefined && <p class="notice" role="status">{notice}</p>}
      {error !== undefined && <ErrorBox error={error} />}
      {items === undefined && <p role="status">{t('loading')}</p>}
      {items !== undefined && items.length === 0 && <p>{t('noDocuments')}</p>}
      {items !== undefined && items.length > 0 && (
        <ListTable headers={[t('number'), t('subject'), t('state')]}>
            {items.map((item) => (
              <tr aria-selected={item.documentId === openId}>
                <td>{item.numberNotation ?? '—'}</td>
                <td>
                  <button type="button" class="link" onClick={() => setOpenId(item.documentId)}>
                    {item.typeCode} — {item.subject}
                  </button>
                </td>
                <td>{stateWords(item.state)}</td>
              </tr>
            ))}
          </ListTable>
      )}
      {detail !== undefined && detail.documentId === openId && (
        <div class="details" id="outgoing-detail">
          <h2>
            {detail.numberNotation ?? ''} {detail.subject}
          </h2>
          <p>
            {t('state')}: <span id="document-state" data-state={detail.state}>{stateWords(detail.state)}</span> · <small>{t('liveUpdates')}</small>
          </p>
          {detail.returned !== null && <p class="notice">{detail.returned.by}: {detail.returned.comment}</p>}
          <ListTable live headers={[t('recipient'), t('status'), t('updatedAt')]}>
              {detail.deliveries.map((delivery) => (
                <tr class={delivery.receiptOverdue ? 'overdue' : undefined} data-recipient={delivery.recipientCode}>
                  <td>{delivery.recipientName}</td>
                  <td class="status">
                    {statusWords(delivery.status)}
                    {delivery.receiptOverdue ? ` · ${t('receiptOverdue')}` : ''}
                  </td>
                  <td>{new Date(delivery.updatedAt).toLocaleString()}</td>
                </tr>
              ))}
            </ListTable>
          {detail.state === 'issued' && (
            <p class="actions">
              <button type="button" id="update-document" onClick={() => navigate(`compose?business=update&replaces=${detail.documentId}`)}>
                {t('updateIt')}
              </button>
              <button type="button" id="replace-document" onClick={() => navigate(`compose?business=replace&replaces=${detail.documentId}`)}>
                {t('replaceIt')}
              </button>
            </p>
          )}
          {detail.state === 'issued' && (
            <form onSubmit={recall} class="inline">
              <label for="recall-reason">{t('recallReason')}</label>
              <input id="recall-reason" value={reason} onInput={(event) => setReason((event.target as HTMLInputElement).value)} required />
              <button type="submit" id="recall" disabled={reason.trim() === ''}>
                {t('recall')}
              </button>
            </form>
          )}
        </div>
      )}
    </section>
  );
}
