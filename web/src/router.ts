import { signal } from './signal';

/** The app's routes live under /app; the path after it picks the screen. */
export const route = signal(location.pathname.replace(/^\/app\/?/, '') || 'inbox');

/** Goes to a screen; `to` may carry a query (compose?replaces=…), which the screen reads from location. */
export function navigate(to: string): void {
  history.pushState(null, '', `/app/${to}`);
  route.value = to.split('?')[0] as string;
}

window.addEventListener('popstate', () => {
  route.value = location.pathname.replace(/^\/app\/?/, '') || 'inbox';
});
