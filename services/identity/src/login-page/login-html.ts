/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

/**
 * Headers of every page: our script only, never framed or cached. Forms go to ourselves, and the
 * sign-in's redirect back may go to any edoc page (browsers apply form-action to redirects too).
 */
export function pageHeaders(returnOrigins: readonly string[]): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'self' ${returnOrigins.join(' ')}; frame-ancestors 'none'; base-uri 'none'`.replace(' ;', ';'),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

const WORDS = {
  vi: {
    title: 'Đăng nhập hệ thống văn bản điện tử',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    signedIn: 'Đã đăng nhập.',
    signedOut: 'Đã đăng xuất.',
    sso: 'Đăng nhập bằng tài khoản dùng chung của quận',
    or: 'hoặc',
    continue: 'Tiếp tục',
  },
  en: {
    title: 'Sign in to the e-document exchange',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    signedIn: 'Signed in.',
    signedOut: 'Signed out.',
    sso: "Sign in with the district's account",
    or: 'or',
    continue: 'Continue',
  },
};

export type Language = keyof typeof WORDS;

export interface LoginPageInput {
  language: Language;
  returnUrl?: string;
  csrf: string;
  problem?: string;
  username?: string;
  notice?: 'signed-out';
  /** Single sign-on, when the district set it up: the button's own label, if it gave one. */
  singleSignOn?: { label?: string };
}

/** The sign-in form; login.js first tries to renew a session silently and goes back at once if it can. */
export function loginPage(input: LoginPageInput): string {
  const words = WORDS[input.language];
  return `<!doctype html>
<html lang="${input.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(words.title)}</title>
<link rel="icon" href="data:,">
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1.5rem;padding:.6rem 1.2rem}.error{color:#a00}.notice{color:#060}</style>
<script src="/login/assets/login.js" defer></script>
</head>
<body>
<main>
<h1>${escapeHtml(words.title)}</h1>
${input.notice === 'signed-out' ? `<p class="notice" id="login-notice">${escapeHtml(words.signedOut)}</p>` : ''}
${input.problem === undefined ? '' : `<p class="error" id="login-error" role="alert">${escapeHtml(input.problem)}</p>`}
${input.singleSignOn === undefined ? '' : singleSignOnLink(input, words)}
<form method="post" action="/login" id="login-form"${input.returnUrl === undefined ? '' : ` data-return="${escapeHtml(input.returnUrl)}"`}>
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
${input.returnUrl === undefined ? '' : `<input type="hidden" name="return" value="${escapeHtml(input.returnUrl)}">`}
<label for="username">${escapeHtml(words.username)}</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(input.username ?? '')}">
<label for="password">${escapeHtml(words.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login-submit">${escapeHtml(words.submit)}</button>
</form>
</main>
</body>
</html>
`;
}

function singleSignOnLink(input: LoginPageInput, words: (typeof WORDS)[Language]): string {
  const href = `/login/oidc${input.returnUrl === undefined ? '' : `?return=${encodeURIComponent(input.returnUrl)}`}`;
  return `<p><a id="login-sso" href="${escapeHtml(href)}">${escapeHtml(input.singleSignOn?.label ?? words.sso)}</a></p>\n<p>${escapeHtml(words.or)}</p>`;
}

/**
 * After single sign-on: the browser arrives from the provider's site, so cookies marked Strict are
 * not sent on the redirect chain that follows. A page of ours that moves on by itself makes the
 * next request a same-site one, which carries them.
 */
export function continuePage(language: Language, target: string): string {
  const words = WORDS[language];
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escapeHtml(target)}"><title>${escapeHtml(words.title)}</title></head><body><main><p><a id="continue" href="${escapeHtml(target)}">${escapeHtml(words.continue)}</a></p></main></body></html>\n`;
}

/** After a sign-in without a page to go back to. */
export function signedInPage(language: Language, username: string): string {
  const words = WORDS[language];
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(words.title)}</title></head><body><main><p id="signed-in">${escapeHtml(words.signedIn)} ${escapeHtml(username)}</p></main></body></html>\n`;
}

export function languageOf(lang: unknown, acceptLanguage: string | undefined): Language {
  if (lang === 'en' || lang === 'vi') return lang;
  return /^en\b/i.test(acceptLanguage ?? '') ? 'en' : 'vi';
}
