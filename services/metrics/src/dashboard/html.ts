/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

/** Headers of every dashboard page: no inline script, nothing from elsewhere, never framed or cached. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const LOGIN_WORDS = {
  vi: {
    title: 'Đăng nhập bảng theo dõi văn bản điện tử',
    prompt: 'Dán mã truy cập (token) của tài khoản quản trị:',
    submit: 'Đăng nhập',
  },
  en: {
    title: 'Sign in to the electronic documents dashboard',
    prompt: 'Paste the access token of an administrator account:',
    submit: 'Sign in',
  },
};

/** The form that takes an administrator's bearer token and turns it into an HttpOnly cookie. */
export function loginPage(problem: string | undefined, language: 'vi' | 'en'): string {
  const words = LOGIN_WORDS[language];
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(words.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head>
<body class="login">
<main>
<h1>${escapeHtml(words.title)}</h1>
${problem === undefined ? '' : `<p class="error" id="login-error" role="alert">${escapeHtml(problem)}</p>`}
<form method="post" action="/dashboard/login">
<label for="token">${escapeHtml(words.prompt)}</label>
<textarea id="token" name="token" rows="4" required autocomplete="off" spellcheck="false"></textarea>
<button type="submit" id="login-submit">${escapeHtml(words.submit)}</button>
</form>
<p class="switch"><a href="/dashboard?lang=vi">Tiếng Việt</a> · <a href="/dashboard?lang=en">English</a></p>
</main>
</body>
</html>
`;
}

/** The dashboard's frame; dashboard.js fills it from the JSON API. */
export function dashboardPage(user: string, today: string, language: 'vi' | 'en'): string {
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
<form method="post" action="/dashboard/logout"><button type="submit" id="logout" data-i18n="logout"></button></form>
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
