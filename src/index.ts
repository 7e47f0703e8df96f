/**
 * inpage: run Hugging Face models inside a web page. The main-thread entry: it imports only
 * types from transformers.js, which runs in inpage's worker.
 * @module
 */
export { createClient } from './client/client.ts';
export { InpageError, isInpageError, errorCodes, errorPolicies } from './errors.ts';
export { MAX_ITEMS_PER_INFERENCE, MAX_CHARS_PER_INFERENCE, MAX_NEW_TOKENS } from './tasks/limits.ts';

export type { InpageClient } from './client/client.ts';
export type { ClientEventMap, ClientEventType, ClientEventListener, WarningCode } from './client/events.ts';
export type { ClientOptions, LoadOptions, StorageOptions } from './client/client-options.ts';
export type { CacheAdmin, FitFinding, FitLimit, FitReport, InstallOptions, InstallResult } from './client/cache-admin.ts';
export type { Model, Fallback, CallOptions, StreamInput } from './client/model-handle.ts';
export type { Conversation, ConversationOptions, ChatCallOptions } from './tasks/chat-conversation.ts';
export type { ErrorCode, ErrorPolicy } from './errors.ts';
export type { Capabilities, WebLocksGuarantee, WebLocksSupport } from './runtime/capabilities.ts';
export type { RuntimeBuild, RuntimeFiles } from './runtime/runtime-build.ts';
export type {
  DeviceRoute,
  LatencyTarget,
  ModelRoute,
  RouteEvent,
  RouteRung,
  RouteSample,
  RoutingOptions,
  SoftwareAdapterPolicy,
} from './routing/route-types.ts';
export type {
  AsyncDisposableIfSupported,
  CachedModel,
  CacheUsage,
  ConcreteDtype,
  Device,
  Dtype,
  DtypeFallback,
  HubOptions,
  LoadProgressEvent,
  ResolvedDevice,
  ResolvedDtype,
  RevisionPolicy,
  SessionDtypes,
  SessionDtypesKey,
} from './types.ts';
export type * from './tasks/public-types.ts';
