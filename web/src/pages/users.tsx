import { useState } from 'preact/hooks';
import { call, identityUrl } from '../api';
import { ErrorBox } from '../components/error-box';
import { ListTable } from '../components/list-table';
import { t } from '../i18n';
import { useLoaded } from '../use-loaded';

interface UserView {
  username: string;
  displayName: string;
  orgCode: string;
  roles: string[];
  signer?: { position: string };
  disabled: boolean;
  hasPassword: boolean;
}

const ROLES = ['clerk', 'signer', 'unit-admin', 'admin'];

/** Users and roles, for administrators (a unit's administrator sees and manages its own unit's). */
export function UsersPage({ orgCode }: { orgCode: string }) {
  const [actionError, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string | undefined>();
  const [org, setOrg] = useState(orgCode);
  // What is typed stays apart from the unit shown until submitted: a re-render (a list arriving)
  // must never put the shown unit back over what the administrator is typing.
  const [orgTyped, setOrgTyped] = useState(orgCode);
  const empty = { username: '', displayName: '', role: 'clerk', position: '', password: '' };
  const [form, setForm] = useState(empty);
  const loaded = useLoaded(org, () => call<{ users: UserView[] }>(identityUrl(`/users?org=${encodeURIComponent(org)}`)));
  const users = loaded.value?.users;
  const error = actionError ?? loaded.error;
  const reload = loaded.reload;

  async function act(run: () => Promise<unknown>, done: string) {
    setError(undefined);
    try {
      await run();
      setNotice(done);
      await reload();
    } catch (failure) {
      setError(failure);
    }
  }

  const add = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      await call(identityUrl('/users'), {
        json: {
          username: form.username.trim(),
          displayName: form.displayName.trim(),
          orgCode: org,
          roles: [form.role],
          ...(form.role === 'signer' ? { signer: { position: form.position.trim() } } : {}),
          password: form.password,
        },
      });
      setForm(empty);
    }, `${t('userAdded')} ${form.username}`);
  };
  const set = (field: keyof typeof empty) => (event: Event) => setForm({ ...form, [field]: (event.target as HTMLInputElement).value });

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('users')}</h1>
      {notice !== undefined && <p class="notice" role="status" id="users-notice">{notice}</p>}
      {error !== undefined && <ErrorBox error={error} />}
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          setOrg(orgTyped.trim());
        }}
      >
        <label for="users-org">{t('unitCode')}</label>
        <input id="users-org" value={orgTyped} onInput={(event) => setOrgTyped((event.target as HTMLInputElement).value)} />
        <button type="submit" id="show-unit">{t('showUnit')}</button>
      </form>
      {users !== undefined && (
        <ListTable id="users-table" headers={[t('username'), t('fullName'), t('roles'), t('state'), t('actions')]}>
            {users.map((user) => (
              <tr data-username={user.username}>
                <td>{user.username}</td>
                <td>{user.displayName}</td>
                <td>{user.roles.join(', ')}</td>
                <td>{user.disabled ? t('disabled') : t('active')}</td>
                <td>
                  <button
                    type="button"
                    class="link"
                    onClick={() => act(() => call(identityUrl(`/users/${encodeURIComponent(user.username)}/${user.disabled ? 'enable' : 'disable'}`), { json: {} }), `${user.username}: ${user.disabled ? t('active') : t('disabled')}`)}
                  >
                    {user.disabled ? t('enable') : t('disable')} <span class="visually-hidden">{user.username}</span>
                  </button>
                </td>
              </tr>
            ))}
          </ListTable>
      )}
      <form onSubmit={add} class="details" aria-labelledby="add-user-title">
        <h2 id="add-user-title">{t('addUser')}</h2>
        <label for="new-username">{t('username')}</label>
        <input id="new-username" required autoComplete="off" value={form.username} onInput={set('username')} />
        <label for="new-name">{t('fullName')}</label>
        <input id="new-name" required value={form.displayName} onInput={set('displayName')} />
        <label for="new-role">{t('roles')}</label>
        <select id="new-role" value={form.role} onChange={set('role')}>
          {ROLES.map((role) => (
            <option value={role}>{role}</option>
          ))}
        </select>
        {form.role === 'signer' && (
          <>
            <label for="new-position">{t('position')}</label>
            <input id="new-position" required value={form.position} onInput={set('position')} />
          </>
        )}
        <label for="new-password">{t('password')}</label>
        <input id="new-password" type="password" autoComplete="new-password" required value={form.password} onInput={set('password')} />
        <button type="submit" id="add-user">
          {t('addUser')}
        </button>
      </form>
    </section>
  );
}
