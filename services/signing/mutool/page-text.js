// Runs inside MuPDF's `mutool run` (an ES5 interpreter), kept running by the signing service: one
// request a line on stdin, {"path": "...", "page": N} (N = 0: the last page), one answer a line on
// stdout. A process per page cost far more to start and end than to read the page.
'use strict';

// A page's answer stays small whatever the page holds: the signature block needs a few lines.
var MAX_LINES = 5000;
var MAX_LINE_CHARS = 1000;

function lineOf(bbox) {
  return { text: '', bbox: bbox, left: Infinity, right: -Infinity };
}

function readPage(path, pageNumber) {
  // As a PDF whatever the file is called: MuPDF would pick its HTML, SVG or EPUB reader by the name.
  var doc = new PDFDocument(path);
  var count = doc.countPages();
  var page = pageNumber === 0 ? count : pageNumber;
  if (page < 1 || page > count) return { error: 'the document has ' + count + ' pages, not page ' + page };
  var loaded = doc.loadPage(page - 1);
  var bound = loaded.bound();
  var lines = [];
  var current = null;
  loaded.toStructuredText('preserve-whitespace').walk({
    beginLine: function (bbox) {
      current = lineOf(bbox);
    },
    onChar: function (c, origin, font, size, quad) {
      if (current === null) return;
      if (current.text.length < MAX_LINE_CHARS) current.text += c;
      // The line's width is its printed characters': a trailing space prints nothing.
      if (!/\s/.test(c)) {
        current.left = Math.min(current.left, quad[0], quad[4]);
        current.right = Math.max(current.right, quad[2], quad[6]);
      }
    },
    endLine: function () {
      if (current !== null && current.right > current.left && lines.length < MAX_LINES) {
        lines.push([current.text, current.left - bound[0], current.bbox[1] - bound[1], current.right - bound[0], current.bbox[3] - bound[1]]);
      }
      current = null;
    },
  });
  return { page: page, width: bound[2] - bound[0], height: bound[3] - bound[1], lines: lines };
}

for (;;) {
  var request;
  try {
    request = readline();
  } catch (_endOfInput) {
    quit(0);
  }
  if (request === null || request === undefined) quit(0);
  var answer;
  try {
    var asked = JSON.parse(request);
    answer = readPage(String(asked.path), Number(asked.page));
  } catch (error) {
    answer = { error: String(error) };
  }
  print(JSON.stringify(answer));
  gc();
}
