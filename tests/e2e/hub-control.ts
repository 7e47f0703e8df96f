/**
 * The local Hub's HTTP control API (`/__inpage/…`, see `tests/hub/control.ts`), as the end-to-end
 * tests use it from Node: offline mode and the request log.
 * @module
 */

/** One request the local Hub received (the fields the tests read). */
export interface HubRequest {
  origin: 'hub' | 'cdn';
  method: string;
  url: string;
  status: number;
}

async function control(hubUrl: string, path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`${hubUrl}/__inpage/${path}`, init);
  if (!response.ok) throw new Error(`local Hub control ${init.method ?? 'GET'} ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json() as Promise<unknown>;
}

/**
 * Switches the local Hub (both origins) offline: every non-control connection is destroyed.
 * @example
 * await setHubOffline(app.hubUrl, true);
 */
export async function setHubOffline(hubUrl: string, offline: boolean): Promise<void> {
  await control(hubUrl, 'offline', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offline }) });
}

/**
 * Requests the local Hub received since the last {@link clearHubRequests} (control calls excluded;
 * connections refused while offline are logged with status 0).
 * @example
 * expect(await hubRequests(app.hubUrl)).toEqual([]);
 */
export async function hubRequests(hubUrl: string): Promise<HubRequest[]> {
  const list = (await control(hubUrl, 'requests')) as HubRequest[];
  return list.map(({ origin, method, url, status }) => ({ origin, method, url, status }));
}

/**
 * Empties the local Hub's request log.
 * @example
 * await clearHubRequests(app.hubUrl);
 */
export async function clearHubRequests(hubUrl: string): Promise<void> {
  await control(hubUrl, 'requests', { method: 'DELETE' });
}
