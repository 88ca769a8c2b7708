import type { ComponentChildren } from 'preact';

/** A list of records with its column headers; the rows are the children. */
export function ListTable({ headers, id, live, children }: { headers: string[]; id?: string; live?: boolean; children: ComponentChildren }) {
  return (
    <table class="list" id={id} aria-live={live === true ? 'polite' : undefined}>
      <thead>
        <tr>
          {headers.map((header) => (
            <th scope="col">{header}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
