/** Shows another page of this app without a reload (App follows `popstate`). */
export function goTo(path: string): void {
  window.history.replaceState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
