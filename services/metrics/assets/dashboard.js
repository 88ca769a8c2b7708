/*
 * The administrators' dashboard: plain JavaScript, no build step. It reads the figures from
 * /dashboard/api/... (the session cookie authenticates those requests) and draws them with DOM
 * and SVG elements. Every value from the server goes in through textContent, never as HTML.
 */
(function () {
  'use strict';

  var WORDS = {
    vi: {
      title: 'Văn bản điện tử: bảng theo dõi',
      logout: 'Đăng xuất',
      from: 'Từ ngày',
      to: 'Đến ngày',
      apply: 'Xem',
      csv: 'Xuất CSV',
      reportMonth: 'Báo cáo tháng',
      pdf: 'Tải báo cáo (PDF)',
      districtTitle: 'Tỷ lệ văn bản điện tử của tất cả đơn vị',
      target: 'Chỉ tiêu',
      monthsTitle: 'Tỷ lệ văn bản điện tử theo tháng',
      unitsTitle: 'Các đơn vị, thấp nhất trước',
      counts: function (a) { return 'Văn bản đi và đến: ' + a.electronic + ' điện tử, ' + a.paper + ' giấy, ' + a.both + ' cả hai (tổng ' + a.total + ')'; },
      timeliness: function (r, o) { return 'Xác nhận đã nhận trong ngày: ' + pct(r.share) + ' (' + r.confirmedSameDay + '/' + r.deliveries + ') · Xử lý đúng hạn: ' + pct(o.share) + ' (' + o.onTime + '/' + o.due + ')'; },
      columns: ['#', 'Đơn vị', 'Điện tử', 'Giấy', 'Cả hai', 'Tỷ lệ điện tử', 'Xu hướng 12 tháng', 'Xác nhận trong ngày', 'Đúng hạn'],
      noData: 'Chưa có số liệu',
      belowTarget: 'Chưa đạt chỉ tiêu',
      paperTitle: function (name) { return 'Văn bản giấy của ' + name; },
      paperSummary: function (n, share) { return n + ' văn bản chưa gửi điện tử; tỷ lệ điện tử ' + pct(share) + '.'; },
      paperNone: 'Không có văn bản giấy trong kỳ.',
      paperColumns: ['Sổ', 'Số', 'Ngày', 'Loại', 'Trích yếu', 'Nơi gửi/nhận', 'Hình thức'],
      outgoing: 'Đi',
      incoming: 'Đến',
      paper: 'Giấy',
      both: 'Cả hai',
      truncated: 'Danh sách đã được rút gọn.',
      loading: 'Đang tải…',
      failed: 'Không tải được số liệu: '
    },
    en: {
      title: 'Electronic documents: dashboard',
      logout: 'Sign out',
      from: 'From',
      to: 'To',
      apply: 'Show',
      csv: 'Export CSV',
      reportMonth: 'Monthly report',
      pdf: 'Download report (PDF)',
      districtTitle: 'Electronic share, all units',
      target: 'Target',
      monthsTitle: 'Electronic share by month',
      unitsTitle: 'Units, lowest first',
      counts: function (a) { return 'Outgoing and incoming documents: ' + a.electronic + ' electronic, ' + a.paper + ' paper, ' + a.both + ' both (total ' + a.total + ')'; },
      timeliness: function (r, o) { return 'Receipts confirmed the same day: ' + pct(r.share) + ' (' + r.confirmedSameDay + '/' + r.deliveries + ') · Handled on time: ' + pct(o.share) + ' (' + o.onTime + '/' + o.due + ')'; },
      columns: ['#', 'Unit', 'Electronic', 'Paper', 'Both', 'Electronic share', '12-month trend', 'Same-day receipts', 'On time'],
      noData: 'No data',
      belowTarget: 'Below target',
      paperTitle: function (name) { return 'Paper documents of ' + name; },
      paperSummary: function (n, share) { return n + ' documents not sent electronically; electronic share ' + pct(share) + '.'; },
      paperNone: 'No paper documents in the period.',
      paperColumns: ['Book', 'No.', 'Date', 'Type', 'Subject', 'Counterpart', 'Medium'],
      outgoing: 'Outgoing',
      incoming: 'Incoming',
      paper: 'Paper',
      both: 'Both',
      truncated: 'The list was cut short.',
      loading: 'Loading…',
      failed: 'The figures could not be loaded: '
    }
  };

  var SVG = 'http://www.w3.org/2000/svg';
  var body = document.body;
  var state = {
    lang: initialLanguage(),
    today: body.getAttribute('data-today'),
    summary: null,
    series: null,
    drill: null
  };

  function initialLanguage() {
    var fromUrl = new URLSearchParams(location.search).get('lang');
    if (fromUrl === 'vi' || fromUrl === 'en') return fromUrl;
    var stored = null;
    try { stored = localStorage.getItem('edoc.dashboard.lang'); } catch { stored = null; }
    return stored === 'en' || stored === 'vi' ? stored : body.getAttribute('data-lang') || 'vi';
  }

  function words() { return WORDS[state.lang]; }

  /** 87.5 → "87,5%" (vi) or "87.5%" (en); null → a dash, never NaN. */
  function pct(value) {
    if (value === null || value === undefined || !isFinite(value)) return '—';
    var text = String(Math.round(value * 10) / 10);
    return (state.lang === 'vi' ? text.replace('.', ',') : text) + '%';
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    return node;
  }

  function $(id) { return document.getElementById(id); }

  function range() {
    return { from: $('from').value, to: $('to').value };
  }

  function query(params) {
    return Object.keys(params).map(function (key) { return encodeURIComponent(key) + '=' + encodeURIComponent(params[key]); }).join('&');
  }

  function getJson(path) {
    return fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.status === 401) { location.assign('/dashboard'); }
        if (!response.ok) throw new Error(Array.isArray(answer.message) ? answer.message.join('; ') : answer.message || response.statusText);
        return answer;
      });
    });
  }

  function showError(message) {
    var box = $('error');
    box.hidden = message === null;
    box.textContent = message === null ? '' : words().failed + message;
  }

  function load() {
    var r = range();
    updateLinks();
    showError(null);
    body.classList.add('loading');
    return Promise.all([
      getJson('/dashboard/api/coverage?' + query(r)),
      getJson('/dashboard/api/coverage/series?' + query({ from: r.from, to: r.to, granularity: 'month' }))
    ]).then(function (answers) {
      state.summary = answers[0];
      state.series = answers[1];
      state.drill = null;
      render();
    }).catch(function (error) {
      state.summary = null;
      state.series = null;
      render();
      showError(error.message);
    }).then(function () {
      body.classList.remove('loading');
      body.setAttribute('data-ready', 'true');
    });
  }

  function updateLinks() {
    var r = range();
    $('csv').href = '/dashboard/api/coverage/export.csv?' + query({ from: r.from, to: r.to, granularity: 'month', lang: state.lang });
    var month = $('report-month').value || state.today.slice(0, 7);
    $('pdf').href = '/dashboard/api/reports/monthly.pdf?' + query({ month: month, lang: state.lang });
  }

  function render() {
    var w = words();
    document.documentElement.lang = state.lang;
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (node) {
      node.textContent = w[node.getAttribute('data-i18n')];
    });
    $('lang-vi').classList.toggle('active', state.lang === 'vi');
    $('lang-en').classList.toggle('active', state.lang === 'en');
    updateLinks();
    renderDistrict();
    renderMonths();
    renderUnits();
    renderDrill();
  }

  function renderDistrict() {
    var s = state.summary;
    var section = $('district');
    section.hidden = s === null;
    if (s === null) return;
    var f = s.district;
    $('district-share').textContent = f.electronicShare === null ? words().noData : pct(f.electronicShare);
    $('district-share').className = f.meetsElectronicTarget === false ? 'below' : 'ok';
    $('district-target').textContent = pct(s.targets.electronic);
    var bar = $('district-bar');
    bar.querySelector('.fill').style.width = (f.electronicShare || 0) + '%';
    bar.querySelector('.target-line').style.left = s.targets.electronic + '%';
    $('district-counts').textContent = words().counts(f);
    $('district-timeliness').textContent = words().timeliness(f.receipts, f.onTime);
  }

  function renderMonths() {
    var box = $('month-chart');
    box.textContent = '';
    var s = state.series;
    if (s === null) return;
    var width = 720;
    var height = 180;
    var pad = { left: 36, bottom: 22, top: 8 };
    var slot = (width - pad.left) / Math.max(1, s.periods.length);
    var chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, class: 'chart', role: 'img', 'aria-label': words().monthsTitle });
    var plot = height - pad.bottom - pad.top;
    [0, 50, 100].forEach(function (tick) {
      var y = pad.top + plot * (1 - tick / 100);
      chart.appendChild(svg('line', { x1: pad.left, x2: width, y1: y, y2: y, class: 'grid' }));
      var label = svg('text', { x: pad.left - 4, y: y + 4, class: 'axis', 'text-anchor': 'end' });
      label.textContent = tick + '%';
      chart.appendChild(label);
    });
    s.periods.forEach(function (period, index) {
      var share = period.electronicShare;
      var x = pad.left + index * slot + slot * 0.15;
      var group = svg('g', { 'data-period': period.key, 'data-share': share === null ? '' : share });
      if (share !== null) {
        var h = plot * share / 100;
        group.appendChild(svg('rect', { x: x, y: pad.top + plot - h, width: slot * 0.7, height: h, class: period.meetsElectronicTarget === false ? 'column below' : 'column ok' }));
      }
      var title = svg('title', {});
      title.textContent = period.key + ': ' + (share === null ? words().noData : pct(share)) + ' (' + period.electronic + '/' + period.total + ')';
      group.appendChild(title);
      var label = svg('text', { x: x + slot * 0.35, y: height - 6, class: 'axis', 'text-anchor': 'middle' });
      label.textContent = period.key.slice(5, 7) + '/' + period.key.slice(2, 4);
      group.appendChild(label);
      chart.appendChild(group);
    });
    var targetY = pad.top + plot * (1 - s.targets.electronic / 100);
    chart.appendChild(svg('line', { x1: pad.left, x2: width, y1: targetY, y2: targetY, class: 'target' }));
    box.appendChild(chart);
  }

  function sparkline(trend, target) {
    var width = 120;
    var height = 28;
    var node = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, class: 'sparkline', width: width, height: height });
    var step = width / Math.max(1, trend.length - 1);
    var y = function (share) { return 2 + (height - 4) * (1 - share / 100); };
    node.appendChild(svg('line', { x1: 0, x2: width, y1: y(target), y2: y(target), class: 'target' }));
    var segment = [];
    var flush = function () {
      if (segment.length > 1) node.appendChild(svg('polyline', { points: segment.join(' '), class: 'trend' }));
      if (segment.length === 1) node.appendChild(svg('circle', { cx: segment[0].split(',')[0], cy: segment[0].split(',')[1], r: 1.5, class: 'dot' }));
      segment = [];
    };
    trend.forEach(function (point, index) {
      if (point.electronicShare === null) { flush(); return; }
      segment.push((index * step).toFixed(1) + ',' + y(point.electronicShare).toFixed(1));
    });
    flush();
    node.setAttribute('data-points', trend.map(function (p) { return p.electronicShare === null ? '' : p.electronicShare; }).join(';'));
    return node;
  }

  function renderUnits() {
    var table = $('units');
    var head = table.querySelector('thead');
    var rows = table.querySelector('tbody');
    head.textContent = '';
    rows.textContent = '';
    var s = state.summary;
    if (s === null) return;
    var headRow = el('tr');
    words().columns.forEach(function (label) { headRow.appendChild(el('th', {}, label)); });
    head.appendChild(headRow);
    s.units.forEach(function (unit, index) {
      var f = unit;
      var row = el('tr', { 'data-org': unit.orgCode, tabindex: '0', class: f.meetsElectronicTarget === false ? 'below' : '' });
      row.appendChild(el('td', { 'data-field': 'rank' }, index + 1));
      var name = el('td', { 'data-field': 'name' }, unit.orgName);
      if (f.meetsElectronicTarget === false) name.appendChild(el('span', { class: 'flag', title: words().belowTarget }, ' ▼'));
      row.appendChild(name);
      row.appendChild(el('td', { 'data-field': 'electronic', class: 'num' }, f.electronic));
      row.appendChild(el('td', { 'data-field': 'paper', class: 'num' }, f.paper));
      row.appendChild(el('td', { 'data-field': 'both', class: 'num' }, f.both));
      row.appendChild(el('td', { 'data-field': 'share', class: 'num' }, f.electronicShare === null ? words().noData : pct(f.electronicShare)));
      var trend = el('td', { 'data-field': 'trend' });
      trend.appendChild(sparkline(unit.trend, s.targets.electronic));
      row.appendChild(trend);
      row.appendChild(el('td', { 'data-field': 'sameDay', class: 'num' }, pct(f.receipts.share)));
      row.appendChild(el('td', { 'data-field': 'onTime', class: 'num' }, pct(f.onTime.share)));
      row.addEventListener('click', function () { drill(unit.orgCode); });
      row.addEventListener('keydown', function (event) { if (event.key === 'Enter') drill(unit.orgCode); });
      rows.appendChild(row);
    });
  }

  function drill(orgCode) {
    var r = range();
    getJson('/dashboard/api/coverage/paper?' + query({ org: orgCode, from: r.from, to: r.to })).then(function (answer) {
      state.drill = answer;
      renderDrill();
      $('drilldown').scrollIntoView({ block: 'nearest' });
    }).catch(function (error) { showError(error.message); });
  }

  function renderDrill() {
    var section = $('drilldown');
    var d = state.drill;
    section.hidden = d === null;
    if (d === null) return;
    var w = words();
    section.setAttribute('data-org', d.orgCode);
    $('drilldown-title').textContent = w.paperTitle(d.orgName);
    $('drilldown-summary').textContent = d.documents.length === 0 ? w.paperNone : w.paperSummary(d.paper + d.both, d.electronicShare) + (d.truncated ? ' ' + w.truncated : '');
    var table = $('paper');
    var head = table.querySelector('thead');
    var rows = table.querySelector('tbody');
    head.textContent = '';
    rows.textContent = '';
    if (d.documents.length === 0) return;
    var headRow = el('tr');
    w.paperColumns.forEach(function (label) { headRow.appendChild(el('th', {}, label)); });
    head.appendChild(headRow);
    d.documents.forEach(function (doc) {
      var row = el('tr', { 'data-entry': doc.entryId });
      row.appendChild(el('td', {}, doc.book === 'outgoing' ? w.outgoing : w.incoming));
      row.appendChild(el('td', { class: 'num' }, doc.number === null ? '' : doc.number));
      row.appendChild(el('td', {}, doc.localDate));
      row.appendChild(el('td', {}, doc.typeCode));
      row.appendChild(el('td', {}, doc.subject));
      row.appendChild(el('td', {}, doc.counterpart));
      row.appendChild(el('td', {}, doc.medium === 'both' ? w.both : w.paper));
      rows.appendChild(row);
    });
  }

  function setLanguage(lang) {
    state.lang = lang;
    try { localStorage.setItem('edoc.dashboard.lang', lang); } catch { /* private mode: keep it for this page only */ }
    render();
  }

  document.addEventListener('DOMContentLoaded', function () {
    var params = new URLSearchParams(location.search);
    $('from').value = params.get('from') || state.today.slice(0, 4) + '-01-01';
    $('to').value = params.get('to') || state.today;
    $('from').max = state.today;
    $('to').max = state.today;
    $('report-month').value = params.get('month') || state.today.slice(0, 7);
    $('report-month').max = state.today.slice(0, 7);
    $('range').addEventListener('submit', function (event) { event.preventDefault(); load(); });
    $('report-month').addEventListener('change', updateLinks);
    $('lang-vi').addEventListener('click', function () { setLanguage('vi'); });
    $('lang-en').addEventListener('click', function () { setLanguage('en'); });
    render();
    load();
  });
})();
