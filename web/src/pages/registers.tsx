import { useState } from 'preact/hooks';
import { call } from '../api';
import { ErrorBox } from '../components/error-box';
import { ListTable } from '../components/list-table';
import { statusWords, t } from '../i18n';
import { useLoaded } from '../use-loaded';

interface Entry {
  entryId: string;
  number: number;
  numberNotation: string;
  medium: string;
  documentDate?: string;
  typeCode: string;
  subject: string;
  counterpart: string;
  signer?: string;
  handler?: string;
  dueDate?: string;
}

interface FollowUp {
  entryId: string;
  arrivalNumber: number;
  numberNotation: string;
  subject: string;
  author: string;
  handler: string;
  dueDate: string;
  status: string | null;
  reply: string | null;
  overdue: boolean;
}

type Book = 'outgoing' | 'incoming' | 'follow-up';

const thisYear = () => Number(new Date().toLocaleString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }));

/** The registers: the outgoing and incoming books and the follow-up book, filtered, exported, printed; paper documents registered here too. */
export function RegistersPage() {
  const [book, setBook] = useState<Book>('outgoing');
  const [year, setYear] = useState(thisYear());
  const [medium, setMedium] = useState('');
  const [actionError, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string | undefined>();
  const query = `year=${year}${medium === '' ? '' : `&medium=${medium}`}`;
  const url = book === 'follow-up' ? `/registers/follow-up?year=${year}` : `/registers/${book}?${query}`;
  const loaded = useLoaded(url, () => call<{ entries: (Entry & FollowUp)[] }>(url));
  const entries: Entry[] | undefined = book === 'follow-up' ? undefined : loaded.value?.entries;
  const followUp: FollowUp[] | undefined = book === 'follow-up' ? loaded.value?.entries : undefined;
  const error = actionError ?? loaded.error;
  const reload = () => void loaded.reload();

  return (
    <section aria-labelledby="registers-title">
      <h1 id="registers-title">{t('registers')}</h1>
      {notice !== undefined && <p class="notice" role="status" id="registers-notice">{notice}</p>}
      {error !== undefined && <ErrorBox error={error} />}
      <form class="inline" onSubmit={(event) => event.preventDefault()}>
        <span>
          <label for="book">{t('book')}</label>
          <select id="book" value={book} onChange={(event) => setBook((event.target as HTMLSelectElement).value as Book)}>
            <option value="outgoing">{t('outgoingBook')}</option>
            <option value="incoming">{t('incomingBook')}</option>
            <option value="follow-up">{t('followUpBook')}</option>
          </select>
        </span>
        <span>
          <label for="year">{t('year')}</label>
          <input id="year" type="number" min={1990} max={9999} value={year} onInput={(event) => setYear(Number((event.target as HTMLInputElement).value))} />
        </span>
        {book !== 'follow-up' && (
          <span>
            <label for="medium">{t('medium')}</label>
            <select id="medium" value={medium} onChange={(event) => setMedium((event.target as HTMLSelectElement).value)}>
              <option value="">{t('allMedia')}</option>
              <option value="electronic">{t('electronic')}</option>
              <option value="paper">{t('paper')}</option>
              <option value="both">{t('both')}</option>
            </select>
          </span>
        )}
        {book !== 'follow-up' && (
          <a id="export-csv" href={`/registers/${book}?${query}&format=csv`} download>
            {t('exportCsv')}
          </a>
        )}
        {book !== 'follow-up' && year < thisYear() && (
          <a id="print-book" href={`/registers/${book}/print?year=${year}`} download>
            {t('printBook')}
          </a>
        )}
      </form>
      {entries !== undefined && (
        <ListTable id={`register-${book}`} headers={[t('entryNumber'), t('number'), t('subject'), book === 'outgoing' ? t('recipients') : t('sender'), t('medium')]}>
            {entries.map((entry) => (
              <tr>
                <td>{entry.number}</td>
                <td>{entry.numberNotation}</td>
                <td>
                  {entry.typeCode} — {entry.subject}
                </td>
                <td>{entry.counterpart}</td>
                <td>{t(entry.medium === 'paper' ? 'paper' : entry.medium === 'both' ? 'both' : 'electronic')}</td>
              </tr>
            ))}
          </ListTable>
      )}
      {followUp !== undefined && (
        <ListTable id="follow-up-table" headers={[t('entryNumber'), t('subject'), t('handler'), t('dueDate'), t('status')]}>
            {followUp.map((entry) => (
              <tr class={entry.overdue ? 'overdue' : undefined}>
                <td>{entry.arrivalNumber}</td>
                <td>
                  {entry.numberNotation} — {entry.subject}
                </td>
                <td>{entry.handler}</td>
                <td>
                  {entry.dueDate}
                  {entry.overdue ? ` · ${t('overdue')}` : ''}
                </td>
                <td>{entry.status === null ? '' : statusWords(entry.status)}</td>
              </tr>
            ))}
          </ListTable>
      )}
      {book === 'incoming' && (
        <PaperIncomingForm
          onDone={(number) => {
            setNotice(`${t('registered')} ${number}`);
            reload();
          }}
          onError={setError}
        />
      )}
    </section>
  );
}

/** A paper document that arrived by post: it takes the next arrival number, shared with the electronic ones. */
function PaperIncomingForm({ onDone, onError }: { onDone: (number: string) => void; onError: (error: unknown) => void }) {
  const empty = { author: '', numberNotation: '', documentDate: '', type: 'CV', subject: '', handler: '', dueDate: '' };
  const [form, setForm] = useState(empty);
  const set = (field: keyof typeof empty) => (event: Event) => setForm({ ...form, [field]: (event.target as HTMLInputElement).value });
  async function submit(event: Event) {
    event.preventDefault();
    try {
      const entry = await call<{ number: number }>('/registers/incoming', { json: { ...form, medium: 'paper', ...(form.dueDate === '' ? { dueDate: undefined } : {}) } });
      setForm(empty);
      onDone(String(entry.number));
    } catch (failure) {
      onError(failure);
    }
  }
  return (
    <form onSubmit={submit} class="details" aria-labelledby="paper-title">
      <h2 id="paper-title">{t('registerPaper')}</h2>
      <label for="paper-author">{t('sender')}</label>
      <input id="paper-author" required value={form.author} onInput={set('author')} />
      <label for="paper-number">{t('number')}</label>
      <input id="paper-number" required value={form.numberNotation} onInput={set('numberNotation')} />
      <label for="paper-date">{t('documentDate')}</label>
      <input id="paper-date" type="date" required value={form.documentDate} onInput={set('documentDate')} />
      <label for="paper-subject">{t('subject')}</label>
      <input id="paper-subject" required value={form.subject} onInput={set('subject')} />
      <label for="paper-handler">{t('handler')}</label>
      <input id="paper-handler" value={form.handler} onInput={set('handler')} />
      <label for="paper-due">{t('dueDate')}</label>
      <input id="paper-due" type="date" value={form.dueDate} onInput={set('dueDate')} />
      <button type="submit" id="register-paper">
        {t('registerPaper')}
      </button>
    </form>
  );
}
