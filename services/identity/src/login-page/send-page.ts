import type { Response } from 'express';
import { pageHeaders } from './login-html';

/** An HTML page of the sign-in, with the headers every such page has. */
export function sendPage(response: Response, status: number, html: string, returnOrigins: readonly string[]): void {
  response.status(status);
  for (const [name, value] of Object.entries(pageHeaders(returnOrigins))) response.setHeader(name, value);
  response.send(html);
}
