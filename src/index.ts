/**
 * inpage: run Hugging Face models inside a web page. The main-thread entry: it imports only
 * types from transformers.js, which runs in inpage's worker.
 * @module
 */
export { createClient } from './client/client.ts';
export { InpageError, isInpageError, errorCodes, errorPolicies } from './errors.ts';
export { MAX_ITEMS_PER_INFERENCE, MAX_CHARS_PER_INFERENCE, MAX_NEW_TOKENS } from './tasks/limits.ts';

export type { InpageClient, LoadOptions } from './client/client.ts';
export type { ClientEventMap, ClientEventType, ClientEventListener } from './client/events.ts';
export type { ClientOptions, StorageOptions } from './client/client-options.ts';
export type { CacheAdmin, CachedModel, CacheUsage, InstallOptions, InstallResult } from './client/cache-admin.ts';
export type { Model, ModelHandle, Fallback, CallOptions } from './client/model-handle.ts';
export type { Conversation, ConversationOptions, ChatCallOptions } from './client/conversation.ts';
export type { ErrorCode, ErrorPolicy } from './errors.ts';
export type { LoadProgressEvent } from './progress.ts';
export type { Capabilities } from './runtime/capabilities.ts';
export type { AsyncDisposableIfSupported, Device, Dtype, HubOptions, ResolvedDevice, ResolvedDtype, RevisionPolicy } from './types.ts';
export type * from './tasks/public-types.ts';
