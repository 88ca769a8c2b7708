import { useEffect, useState } from 'preact/hooks';
import { csrfToken, loadSession, type Session } from './api';
import { ErrorBox } from './components/error-box';
import { language, switchLanguage, t, type WordKey } from './i18n';
import { ComposePage } from './pages/compose';
import { DeadLettersPage } from './pages/dead-letters';
import { InboxPage } from './pages/inbox';
import { OutgoingPage } from './pages/outgoing';
import { RegistersPage } from './pages/registers';
import { SignQueuePage } from './pages/sign-queue';
import { UsersPage } from './pages/users';
import { navigate, route } from './router';
import { useSignal } from './signal';

const SCREENS: { path: string; word: WordKey; roles: string[] }[] = [
  { path: 'compose', word: 'compose', roles: ['clerk'] },
  { path: 'sign', word: 'signQueue', roles: ['signer'] },
  { path: 'outgoing', word: 'outgoing', roles: ['clerk', 'signer', 'admin'] },
  { path: 'inbox', word: 'inbox', roles: ['clerk'] },
  { path: 'registers', word: 'registers', roles: ['clerk', 'admin'] },
  { path: 'users', word: 'users', roles: ['admin', 'unit-admin'] },
  { path: 'dead-letters', word: 'deadLetters', roles: ['admin'] },
];

export function App() {
  useSignal(language);
  const path = useSignal(route);
  const [session, setSession] = useState<Session | undefined>();
  const [problem, setProblem] = useState<unknown>();
  useEffect(() => {
    document.documentElement.lang = language.value;
    loadSession().then(setSession, setProblem);
  }, []);
  if (problem !== undefined) return <main><ErrorBox error={problem} /></main>;
  if (session === undefined) return <main><p role="status">{t('loading')}</p></main>;
  const screens = SCREENS.filter((screen) => screen.roles.some((role) => session.user.roles.includes(role)));
  const current = screens.find((screen) => path === screen.path || path.startsWith(`${screen.path}/`)) ?? screens[0];
  return (
    <>
      <header class="top">
        <span class="brand">{t('appTitle')}</span>
        <nav aria-label={t('appTitle')}>
          {screens.map((screen) => (
            <a
              href={`/app/${screen.path}`}
              aria-current={screen === current ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(screen.path);
              }}
            >
              {t(screen.word)}
            </a>
          ))}
          {session.user.roles.includes('admin') && <a href={`${location.protocol}//${location.hostname}:3004/dashboard`}>{t('dashboard')}</a>}
        </nav>
        <span class="who">{session.user.displayName || session.user.username}</span>
        <button type="button" class="link" onClick={switchLanguage}>{t('language')}</button>
        <form method="post" action={`${session.services.identity}/logout`}>
          <input type="hidden" name="csrf" value={csrfToken() ?? ''} />
          <input type="hidden" name="return" value={location.href} />
          <button type="submit" class="link" id="sign-out">{t('signOut')}</button>
        </form>
      </header>
      <main id="main">
        {current?.path === 'compose' && <ComposePage />}
        {current?.path === 'sign' && <SignQueuePage />}
        {current?.path === 'outgoing' && <OutgoingPage />}
        {current?.path === 'inbox' && <InboxPage />}
        {current?.path === 'registers' && <RegistersPage />}
        {current?.path === 'users' && <UsersPage orgCode={session.user.orgCode} />}
        {current?.path === 'dead-letters' && <DeadLettersPage />}
      </main>
    </>
  );
}
