import { useEffect, useMemo, useState } from 'preact/hooks';
import { call, upload } from '../api';
import { ErrorBox } from '../components/error-box';
import { Progress } from '../components/progress';
import { deleteDraft, listDrafts, saveDraft, type StoredDraft } from '../drafts';
import { t, type WordKey } from '../i18n';

interface DirectoryView {
  units: { code: string; name: string; kind: string; channel: string }[];
  groups: { id: string; name: string; members: string[] }[];
  signers: { username: string; fullName: string; position: string }[];
}

const TYPES = ['CV', 'QĐ', 'TB', 'KH', 'BC', 'GM', 'TTr', 'HD', 'CT', 'NQ'];
const URGENCIES: [string, WordKey][] = [
  ['normal', 'normal'],
  ['khẩn', 'khan'],
  ['thượng khẩn', 'thuongKhan'],
  ['hỏa tốc', 'hoaToc'],
];

interface Draft {
  businessType: string;
  replaces: string;
  type: string;
  subject: string;
  urgency: string;
  dueDate: string;
  steeringType: string;
  responseFor: string;
  signer: string;
  recipients: string[];
}

const EMPTY: Draft = { businessType: 'new', replaces: '', type: 'CV', subject: '', urgency: 'normal', dueDate: '', steeringType: '0', responseFor: '', signer: '', recipients: [] };

/** Problems found while typing, by field: the same rules intake applies, said before the upload. */
function problemsOf(draft: Draft, file: File | undefined, attachments: File[]): Partial<Record<string, string>> {
  const problems: Partial<Record<string, string>> = {};
  if (draft.subject.trim() === '') problems.subject = t('required');
  else if ([...draft.subject].length > 500) problems.subject = t('tooLong');
  if (draft.dueDate !== '' && draft.dueDate < new Date().toISOString().slice(0, 10)) problems.dueDate = t('pastDate');
  if (draft.recipients.length === 0) problems.recipients = t('noRecipients');
  if (draft.signer === '') problems.signer = t('required');
  if (file === undefined) problems.file = t('required');
  else if (!/\.pdf$/i.test(file.name) && file.type !== 'application/pdf') problems.file = t('notPdf');
  if (attachments.some((a) => !/\.pdf$/i.test(a.name) && a.type !== 'application/pdf')) problems.attachments = t('notPdf');
  return problems;
}

/** An update or a replacement of an issued document starts from the outgoing screen with its id. */
function startingDraft(): Draft {
  const query = new URLSearchParams(location.search);
  const business = query.get('business');
  const replaces = query.get('replaces') ?? '';
  return business === 'update' || business === 'replace' ? { ...EMPTY, businessType: business, replaces } : EMPTY;
}

export function ComposePage() {
  const [directory, setDirectory] = useState<DirectoryView | undefined>();
  const [draft, setDraft] = useState<Draft>(startingDraft);
  const [file, setFile] = useState<File | undefined>();
  const [attachments, setAttachments] = useState<File[]>([]);
  const [search, setSearch] = useState('');
  const [touched, setTouched] = useState(false);
  const [progress, setProgress] = useState<number | undefined>();
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [drafts, setDrafts] = useState<StoredDraft<Draft>[]>([]);
  const [draftId, setDraftId] = useState<string | undefined>();
  const reloadDrafts = () => listDrafts<Draft>().then(setDrafts, () => setDrafts([]));
  useEffect(() => {
    call<DirectoryView>('/directory').then(setDirectory, setError);
    void reloadDrafts();
  }, []);

  async function keepDraft() {
    const id = draftId ?? crypto.randomUUID();
    try {
      await saveDraft<Draft>({ id, savedAt: new Date().toISOString(), fields: draft, ...(file === undefined ? {} : { file }), attachments });
      setDraftId(id);
      setSent(undefined);
      setNotice(t('draftSaved'));
      await reloadDrafts();
    } catch (failure) {
      setError(failure);
    }
  }

  function resume(stored: StoredDraft<Draft>) {
    setDraft(stored.fields);
    setFile(stored.file);
    setAttachments(stored.attachments);
    setDraftId(stored.id);
    setNotice(undefined);
  }
  const problems = useMemo(() => problemsOf(draft, file, attachments), [draft, file, attachments]);
  const set = (field: keyof Draft) => (event: Event) => setDraft({ ...draft, [field]: (event.target as HTMLInputElement).value });
  const toggle = (codes: string[], on: boolean) =>
    setDraft({ ...draft, recipients: on ? [...new Set([...draft.recipients, ...codes])] : draft.recipients.filter((code) => !codes.includes(code)) });
  const shown = (directory?.units ?? []).filter((unit) => `${unit.name} ${unit.code}`.toLowerCase().includes(search.trim().toLowerCase()));

  async function submit(event: Event) {
    event.preventDefault();
    setTouched(true);
    setError(undefined);
    if (Object.keys(problems).length > 0) return;
    const form = new FormData();
    const { replaces, ...rest } = draft;
    const metadata = { ...rest, ...(replaces === '' ? {} : { replaces }), steeringType: Number(draft.steeringType), ...(draft.dueDate === '' ? { dueDate: undefined } : {}), ...(draft.responseFor === '' ? { responseFor: undefined } : {}) };
    form.append('metadata', JSON.stringify(metadata));
    form.append('file', file as File);
    for (const attachment of attachments) form.append('attachments', attachment);
    setProgress(0);
    try {
      const receipt = await upload<{ documentId: string }>('/documents', form, key, setProgress);
      setSent(receipt.documentId);
      setNotice(undefined);
      if (draftId !== undefined) await deleteDraft(draftId).then(reloadDrafts, () => undefined);
      setDraftId(undefined);
      setDraft(EMPTY);
      setFile(undefined);
      setAttachments([]);
      setTouched(false);
      setKey(crypto.randomUUID());
    } catch (failure) {
      setError(failure);
    } finally {
      setProgress(undefined);
    }
  }

  const fieldProblem = (field: string) =>
    touched && problems[field] !== undefined ? (
      <span class="field-problem" id={`${field}-problem`}>
        {problems[field]}
      </span>
    ) : null;
  const describedBy = (field: string) => (touched && problems[field] !== undefined ? `${field}-problem` : undefined);

  return (
    <section aria-labelledby="compose-title">
      <h1 id="compose-title">{t('compose')}</h1>
      {sent !== undefined && (
        <p class="notice" role="status" id="compose-sent">
          {t('sentForSignature')} <code>{sent}</code>
        </p>
      )}
      {notice !== undefined && (
        <p class="notice" role="status" id="compose-notice">
          {notice}
        </p>
      )}
      {error !== undefined && <ErrorBox error={error} />}
      {drafts.length > 0 && (
        <nav aria-labelledby="drafts-title" class="drafts">
          <h2 id="drafts-title">{t('drafts')}</h2>
          <ul>
            {drafts.map((stored) => (
              <li>
                <button type="button" class="link" onClick={() => resume(stored)}>
                  {stored.fields.subject.trim() === '' ? t('untitled') : stored.fields.subject} · {new Date(stored.savedAt).toLocaleString()}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {draft.businessType !== 'new' && (
        <p class="notice" id="compose-business">
          {t(draft.businessType === 'update' ? 'updating' : 'replacing')} <code>{draft.replaces}</code>
        </p>
      )}
      <form onSubmit={submit} noValidate class="compose">
        <div class="row">
          <label for="type">{t('type')}</label>
          <select id="type" value={draft.type} onChange={set('type')}>
            {TYPES.map((code) => (
              <option value={code}>{code}</option>
            ))}
          </select>
        </div>
        <div class="row">
          <label for="subject">{t('subject')}</label>
          <textarea id="subject" rows={2} value={draft.subject} onInput={set('subject')} aria-invalid={touched && problems.subject !== undefined} aria-describedby={describedBy('subject')} />
          {fieldProblem('subject')}
        </div>
        <div class="row inline">
          <span>
            <label for="urgency">{t('urgency')}</label>
            <select id="urgency" value={draft.urgency} onChange={set('urgency')}>
              {URGENCIES.map(([value, word]) => (
                <option value={value}>{t(word)}</option>
              ))}
            </select>
          </span>
          <span>
            <label for="dueDate">{t('dueDate')}</label>
            <input id="dueDate" type="date" value={draft.dueDate} onInput={set('dueDate')} aria-invalid={touched && problems.dueDate !== undefined} aria-describedby={describedBy('dueDate')} />
            {fieldProblem('dueDate')}
          </span>
          <span>
            <label for="steeringType">{t('steeringType')}</label>
            <select id="steeringType" value={draft.steeringType} onChange={set('steeringType')}>
              <option value="0">{t('steeringNone')}</option>
              <option value="1">{t('steeringDirect')}</option>
              <option value="2">{t('steeringReport')}</option>
            </select>
          </span>
        </div>
        <div class="row">
          <label for="responseFor">{t('responseFor')}</label>
          <input id="responseFor" value={draft.responseFor} onInput={set('responseFor')} />
        </div>
        <fieldset class="row" aria-describedby={describedBy('recipients')}>
          <legend>{t('recipients')}</legend>
          {fieldProblem('recipients')}
          <div class="groups">
            <span>{t('groups')}:</span>
            {(directory?.groups ?? []).map((group) => {
              const all = group.members.every((code) => draft.recipients.includes(code));
              return (
                <button type="button" class="chip" aria-pressed={all} onClick={() => toggle(group.members, !all)}>
                  {group.name}
                </button>
              );
            })}
          </div>
          <label for="recipient-search">{t('searchRecipients')}</label>
          <input id="recipient-search" type="search" value={search} onInput={(event) => setSearch((event.target as HTMLInputElement).value)} />
          <ul class="units">
            {shown.map((unit) => (
              <li>
                <input type="checkbox" id={`to-${unit.code}`} checked={draft.recipients.includes(unit.code)} onChange={(event) => toggle([unit.code], (event.target as HTMLInputElement).checked)} />
                <label for={`to-${unit.code}`}>
                  {unit.name} <small>{unit.code}</small>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <div class="row">
          <label for="signer">{t('signer')}</label>
          <select id="signer" value={draft.signer} onChange={set('signer')} aria-invalid={touched && problems.signer !== undefined} aria-describedby={describedBy('signer')}>
            <option value="">{t('chooseSigner')}</option>
            {(directory?.signers ?? []).map((signer) => (
              <option value={signer.username}>
                {signer.fullName} — {signer.position}
              </option>
            ))}
          </select>
          {fieldProblem('signer')}
        </div>
        <div class="row">
          <label for="file">{t('mainFile')}</label>
          <input id="file" type="file" accept="application/pdf,.pdf" onChange={(event) => setFile((event.target as HTMLInputElement).files?.[0])} aria-invalid={touched && problems.file !== undefined} aria-describedby={describedBy('file')} />
          {file !== undefined && <small id="file-chosen">{file.name}</small>}
          {fieldProblem('file')}
        </div>
        <div class="row">
          <label for="attachments">{t('attachments')}</label>
          <input id="attachments" type="file" multiple accept="application/pdf,.pdf" onChange={(event) => setAttachments([...((event.target as HTMLInputElement).files ?? [])])} aria-describedby={describedBy('attachments')} />
          {fieldProblem('attachments')}
        </div>
        {progress !== undefined && <Progress label={t('uploading')} fraction={progress} />}
        <p class="actions">
          <button type="button" id="save-draft" disabled={progress !== undefined} onClick={keepDraft}>
            {t('saveDraft')}
          </button>
          <button type="submit" id="send-for-signature" disabled={progress !== undefined}>
            {t('sendForSignature')}
          </button>
        </p>
      </form>
    </section>
  );
}
