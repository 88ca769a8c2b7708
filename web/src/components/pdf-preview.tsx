import { useEffect, useRef, useState } from 'preact/hooks';
import { GlobalWorkerOptions, getDocument } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { t } from '../i18n';

GlobalWorkerOptions.workerSrc = workerUrl;

/** The PDF drawn in the page with pdf.js, page by page, from intake's /files/{sha256}. */
export function PdfPreview({ sha256, title }: { sha256: string; title: string }) {
  const holder = useRef<HTMLDivElement>(null);
  const [pages, setPages] = useState<number | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    let cancelled = false;
    const task = getDocument({ url: `/files/${sha256}`, withCredentials: true, isEvalSupported: false });
    task.promise
      .then(async (pdf) => {
        if (cancelled) return;
        setPages(pdf.numPages);
        const target = holder.current;
        if (target === null) return;
        target.replaceChildren();
        for (let number = 1; number <= Math.min(pdf.numPages, 20); number++) {
          const page = await pdf.getPage(number);
          const viewport = page.getViewport({ scale: 1.2 });
          const canvas = document.createElement('canvas');
          canvas.width = viewport.width;
          canvas.height = viewport.height;
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', `${title} — ${t('page')} ${number}`);
          target.append(canvas);
          await page.render({ canvas, viewport }).promise;
          if (cancelled) return;
        }
      })
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [sha256]);
  return (
    <figure class="pdf-preview" aria-label={`${t('preview')}: ${title}`}>
      {problem !== undefined && <p role="alert">{problem}</p>}
      {pages === undefined && problem === undefined && <p role="status">{t('loading')}</p>}
      {/* Focusable, so that the pages can be scrolled from the keyboard. */}
      <div ref={holder} class="pages" data-pages={pages} tabIndex={0} role="region" aria-label={title} />
    </figure>
  );
}
