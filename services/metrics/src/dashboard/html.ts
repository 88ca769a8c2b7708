/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

/** Headers of every dashboard page: no inline script, nothing from elsewhere but the sign-out form to the identity service, never framed or cached. */
export function pageHeaders(identityOrigin: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self' ${new URL(identityOrigin).origin}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

/** Where the sign-out button posts: the identity service ends the session everywhere, then offers to sign in again. */
export interface SignOutForm {
  action: string;
  csrf: string;
  returnUrl: string;
}

function signOutForm(form: SignOutForm, label: string): string {
  return `<form method="post" action="${escapeHtml(form.action)}"><input type="hidden" name="csrf" value="${escapeHtml(form.csrf)}"><input type="hidden" name="return" value="${escapeHtml(form.returnUrl)}"><button type="submit" id="logout">${escapeHtml(label)}</button></form>`;
}

const REFUSED_WORDS = {
  vi: { title: 'Không có quyền', text: 'không phải quản trị viên cấp quận: bảng theo dõi cần vai trò admin.', signOut: 'Đăng xuất' },
  en: { title: 'Not allowed', text: 'is not a district administrator: the dashboard needs the admin role.', signOut: 'Sign out' },
};

/** Signed in, but not as a district administrator. */
export function notAdministratorPage(username: string, signOut: SignOutForm, language: 'vi' | 'en'): string {
  const words = REFUSED_WORDS[language];
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(words.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head>
<body class="login">
<main>
<h1>${escapeHtml(words.title)}</h1>
<p class="error" id="login-error" role="alert">${escapeHtml(username)} ${escapeHtml(words.text)}</p>
${signOutForm(signOut, words.signOut)}
</main>
</body>
</html>
`;
}

/** The dashboard's frame; dashboard.js fills it from the JSON API. */
export function dashboardPage(user: string, today: string, language: 'vi' | 'en', signOut: SignOutForm): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edoc</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<script src="/dashboard/assets/dashboard.js" defer></script>
</head>
<body data-today="${escapeHtml(today)}" data-user="${escapeHtml(user)}" data-lang="${language}">
<header>
<h1 data-i18n="title"></h1>
<div class="tools">
<span class="user">${escapeHtml(user)}</span>
<button type="button" id="lang-vi" class="lang">VI</button><button type="button" id="lang-en" class="lang">EN</button>
${signOutForm(signOut, language === 'vi' ? 'Đăng xuất' : 'Sign out').replace('id="logout"', 'id="logout" data-i18n="logout"')}
</div>
</header>
<main>
<form id="range">
<label><span data-i18n="from"></span> <input type="date" id="from" name="from" required></label>
<label><span data-i18n="to"></span> <input type="date" id="to" name="to" required></label>
<button type="submit" id="apply" data-i18n="apply"></button>
<a id="csv" href="#" data-i18n="csv"></a>
<label><span data-i18n="reportMonth"></span> <input type="month" id="report-month"></label>
<a id="pdf" href="#" data-i18n="pdf"></a>
</form>
<p id="error" class="error" role="alert" hidden></p>
<section id="district">
<h2 data-i18n="districtTitle"></h2>
<div class="headline"><span id="district-share"></span> <span class="target-label"><span data-i18n="target"></span> <span id="district-target"></span></span></div>
<div id="district-bar" class="bar"><div class="fill"></div><div class="target-line"></div></div>
<p id="district-counts"></p>
<p id="district-timeliness"></p>
</section>
<section id="months">
<h2 data-i18n="monthsTitle"></h2>
<div id="month-chart"></div>
</section>
<section id="units-section">
<h2 data-i18n="unitsTitle"></h2>
<table id="units"><thead></thead><tbody></tbody></table>
</section>
<section id="drilldown" hidden>
<h2 id="drilldown-title"></h2>
<p id="drilldown-summary"></p>
<table id="paper"><thead></thead><tbody></tbody></table>
</section>
</main>
</body>
</html>
`;
}
