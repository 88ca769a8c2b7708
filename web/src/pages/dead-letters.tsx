import { useState } from 'preact/hooks';
import { call } from '../api';
import { ErrorBox } from '../components/error-box';
import { ListTable } from '../components/list-table';
import { t } from '../i18n';
import { useLoaded } from '../use-loaded';

interface DeadLetter {
  id: string;
  deadLetterQueue: string;
  messageId?: string;
  type?: string;
  reason: string;
  queue?: string;
  attempts?: number;
  deadLetteredAt?: string;
  publishedBy?: string;
  replayCount: number;
  size: number;
}

interface ServiceDeadLetters {
  service: string;
  queues: string[];
  letters: DeadLetter[];
  problem?: string;
}

interface DeadLetterView extends DeadLetter {
  decoded?: unknown;
  decodeError?: string;
}

/** dlq.<queue>/<message id> as the API's path. */
function pathOf(letter: DeadLetter, action = ''): string {
  const slash = letter.id.indexOf('/');
  return `/app/api/dead-letters/${encodeURIComponent(letter.id.slice(0, slash))}/${encodeURIComponent(letter.id.slice(slash + 1))}${action}`;
}

/** Messages no service could process, with their reasons: look, replay once the cause is fixed, or discard with a reason. */
export function DeadLettersPage() {
  const [actionError, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string | undefined>();
  const [open, setOpen] = useState<DeadLetterView | undefined>();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const loaded = useLoaded('all', () => call<{ services: ServiceDeadLetters[] }>('/app/api/dead-letters'));
  const services = loaded.value?.services;
  const error = actionError ?? loaded.error;

  async function act(run: () => Promise<unknown>, done: string) {
    setError(undefined);
    setNotice(undefined);
    setBusy(true);
    try {
      await run();
      setNotice(done);
      setOpen(undefined);
      setReason('');
      await loaded.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const show = (letter: DeadLetter) => {
    setError(undefined);
    call<DeadLetterView>(pathOf(letter)).then(setOpen, setError);
  };
  const count = services?.reduce((sum, entry) => sum + entry.letters.length, 0);

  return (
    <section aria-labelledby="dead-letters-title">
      <h1 id="dead-letters-title">{t('deadLetters')}</h1>
      <p>{t('deadLettersIntro')}</p>
      {notice !== undefined && <p class="notice" role="status" id="dead-letters-notice">{notice}</p>}
      {error !== undefined && <ErrorBox error={error} />}
      {busy && <p role="status">{t('working')}</p>}
      {services === undefined && loaded.error === undefined && <p role="status">{t('loading')}</p>}
      {services?.filter((entry) => entry.problem !== undefined).map((entry) => (
        <p class="error" data-service={entry.service}>
          {entry.service}: {entry.problem}
        </p>
      ))}
      {count === 0 && <p id="no-dead-letters">{t('noDeadLetters')}</p>}
      {count !== undefined && count > 0 && (
        <ListTable id="dead-letters-table" headers={[t('service'), t('messageType'), t('failedIn'), t('reason'), t('deadLetteredAt'), t('actions')]}>
          {services?.flatMap((entry) =>
            entry.letters.map((letter) => (
              <tr data-id={letter.id}>
                <td>{entry.service}</td>
                <td>{letter.type ?? '—'}</td>
                <td>
                  {letter.queue ?? '—'} ({letter.attempts ?? '?'} {t('attempts')})
                </td>
                <td>{letter.reason}</td>
                <td>{letter.deadLetteredAt === undefined ? '—' : new Date(letter.deadLetteredAt).toLocaleString()}</td>
                <td>
                  <button type="button" class="link" onClick={() => show(letter)}>
                    {t('open')} <span class="visually-hidden">{letter.id}</span>
                  </button>
                </td>
              </tr>
            )),
          )}
        </ListTable>
      )}
      {open !== undefined && (
        <div class="details" aria-labelledby="dead-letter-title" id="dead-letter">
          <h2 id="dead-letter-title">{open.type ?? open.id}</h2>
          <dl>
            <dt>{t('reason')}</dt>
            <dd>{open.reason}</dd>
            <dt>{t('failedIn')}</dt>
            <dd>{open.queue ?? '—'}</dd>
            <dt>{t('publishedBy')}</dt>
            <dd>{open.publishedBy ?? '—'}</dd>
            <dt>{t('replays')}</dt>
            <dd>{open.replayCount}</dd>
          </dl>
          <pre tabIndex={0} aria-label={t('messageContent')}>
            {open.decoded !== undefined ? JSON.stringify(open.decoded, null, 2) : open.decodeError}
          </pre>
          <div class="actions">
            <button type="button" id="replay-dead-letter" disabled={busy} onClick={() => act(() => call(pathOf(open, '/replay'), { json: {} }), `${t('replayed')} ${open.id}`)}>
              {t('replay')}
            </button>
          </div>
          <form
            class="inline"
            onSubmit={(event) => {
              event.preventDefault();
              void act(() => call(pathOf(open, '/discard'), { json: { reason } }), `${t('discarded')} ${open.id}`);
            }}
          >
            <label for="discard-reason">{t('discardReason')}</label>
            <input id="discard-reason" required maxLength={500} value={reason} onInput={(event) => setReason((event.target as HTMLInputElement).value)} />
            <button type="submit" id="discard-dead-letter" disabled={busy}>
              {t('discard')}
            </button>
          </form>
        </div>
      )}
    </section>
  );
}
