import { signal } from './signal';

/** The app's routes live under /app; the path after it picks the screen. */
export const route = signal(location.pathname.replace(/^\/app\/?/, '') || 'inbox');

export function navigate(to: string): void {
  history.pushState(null, '', `/app/${to}`);
  route.value = to;
}

window.addEventListener('popstate', () => {
  route.value = location.pathname.replace(/^\/app\/?/, '') || 'inbox';
});
