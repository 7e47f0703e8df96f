import { InpageError } from '../errors.ts';

/** What was being fetched, for error messages. */
export interface HubRequestContext {
  repo: string;
  revision?: string;
  path?: string;
  /** Whether a token was sent (the Hub answers 401 for unknown repos when it was not). */
  withToken: boolean;
}

/** Statuses worth retrying: the server or a proxy is struggling, the request itself is fine. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * Cancels a response body that will not be read. An unread body keeps its HTTP/1.1 connection
 * busy until it is garbage collected, and a browser opens only six per host: enough leaked error
 * bodies stall every later request to the Hub.
 * @example
 * if (!usable) { discardBody(response); throw error; }
 */
export function discardBody(response: Response): void {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(() => undefined);
}

/**
 * Maps a failed Hub response to an {@link InpageError} by its `X-Error-Code` header, as the Hub
 * intends, and only then by status (the Hub answers 401 for a repo that does not exist when no
 * token was sent, to hide whether it exists). The body is discarded.
 *
 * @example
 * if (!response.ok) throw hubError(response, { repo, path, withToken: Boolean(token) });
 */
export function hubError(response: Response, context: HubRequestContext): InpageError {
  discardBody(response);
  const code = response.headers.get('x-error-code');
  const detail = response.headers.get('x-error-message');
  const what = context.path ? `${context.repo}/${context.path}` : context.repo;
  const at = context.revision ? ` at revision "${context.revision}"` : '';
  const suffix = detail ? ` (${detail})` : '';
  switch (code) {
    case 'RepoNotFound':
      return new InpageError(
        'MODEL_NOT_FOUND',
        `Model "${context.repo}" was not found on the Hub${suffix}. Check the id, or pass a token if it is private.`,
      );
    case 'RevisionNotFound':
      return new InpageError('MODEL_NOT_FOUND', `Model "${context.repo}" has no revision "${context.revision ?? 'main'}"${suffix}.`);
    case 'EntryNotFound':
      return new InpageError('FILE_NOT_FOUND', `File "${what}"${at} does not exist${suffix}.`);
    case 'GatedRepo':
      return new InpageError(
        'UNAUTHORIZED',
        `Model "${context.repo}" is gated: accept its conditions on the Hub and pass a token with access${suffix}.`,
      );
    default:
      break;
  }
  if (response.status === 401 || response.status === 403) {
    return new InpageError(
      'UNAUTHORIZED',
      `Access to "${what}" was refused (HTTP ${response.status})${context.withToken ? ': the token has no access' : ''}${suffix}.`,
    );
  }
  if (response.status === 404) {
    return context.path
      ? new InpageError('FILE_NOT_FOUND', `File "${what}"${at} was not found (HTTP 404).`)
      : new InpageError('MODEL_NOT_FOUND', `Model "${context.repo}" was not found (HTTP 404).`);
  }
  return new InpageError('NETWORK', `The Hub answered HTTP ${response.status} for "${what}"${at}${suffix}.`);
}
