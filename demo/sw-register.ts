/**
 * Registers the service worker of production builds (the dev server has none).
 * @module
 */

/**
 * Registers `/sw.js` after the page has loaded, in builds only (`MODE`, not `PROD`: a build run
 * under Vitest has `NODE_ENV=test`, which turns `PROD` off).
 * @example
 * registerServiceWorker();
 */
export function registerServiceWorker(): void {
  if (import.meta.env.MODE !== 'production' || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .catch((error: unknown) => console.warn('inpage demo: no service worker', error));
  });
}
