/**
 * Which Hub the page uses, set by `demo/serve.ts` (or the e2e tests) through `VITE_INPAGE_HUB_*`.
 * Without them (plain `vite`), the real Hub.
 * @module
 */

declare global {
  interface ImportMetaEnv {
    readonly VITE_INPAGE_HUB_ENDPOINT?: string;
    readonly VITE_INPAGE_HUB_LOCAL?: string;
    readonly VITE_INPAGE_HUB_REASON?: string;
  }
}

/** The Hub of this page. */
export interface HubSettings {
  endpoint: string;
  /** The local Hub on the fixture models. */
  local: boolean;
  /** Why the local Hub is used. */
  reason: string;
}

/** The Hub of this build or dev session. */
export const hubSettings: HubSettings = {
  endpoint: import.meta.env.VITE_INPAGE_HUB_ENDPOINT || 'https://huggingface.co',
  local: import.meta.env.VITE_INPAGE_HUB_LOCAL === 'true',
  reason: import.meta.env.VITE_INPAGE_HUB_REASON ?? '',
};
