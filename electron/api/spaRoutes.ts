/**
 * The single-page app's screens. The browser host and the Electron app:// handler both answer
 * each of these paths with index.html, so a reload or a deep link lands on the screen; a screen
 * added to the renderer is added here once.
 */
export const SPA_ROUTES: readonly string[] = Object.freeze(['/', '/display', '/manager', '/history', '/reports', '/shift']);
