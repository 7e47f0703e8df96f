import type { RemoteWorkerApi } from '../rpc/comlink.ts';
import type { Timed } from '../rpc/contract.ts';
import type { Fallback, HandleServices, ModelSpec } from './handle-types.ts';
import { withRecovery } from './recovery.ts';
import type { WorkerHost } from './worker-host.ts';

/**
 * The worker side of one loaded model: the host that runs it (its device's), its pipeline in that
 * host's current worker (reopened from the stored commit after a restart), and its calls under the
 * client's one recovery policy, where a WebGPU failure moves an `auto` model to WASM.
 * @example
 * const pipeline = new ModelPipeline(services, spec, { id, generation }, null);
 * const { output, ms } = await pipeline.invoke(signal, () => true, (remote, id, callId) => remote.run(callId, id, task, input, {}));
 */
export class ModelPipeline {
  readonly #services: HandleServices;
  readonly #spec: ModelSpec;
  #pipeline: { id: string; generation: number } | undefined;
  #fallback: Fallback | null;

  constructor(services: HandleServices, spec: ModelSpec, pipeline: { id: string; generation: number }, fallback: Fallback | null) {
    this.#services = services;
    this.#spec = { ...spec };
    this.#pipeline = pipeline;
    this.#fallback = fallback;
  }

  /** What runs (the device changes when the model is moved to WASM). */
  get spec(): Readonly<ModelSpec> {
    return this.#spec;
  }

  /** `null`, or why the model runs on WASM although WebGPU was planned. */
  get fallback(): Fallback | null {
    return this.#fallback;
  }

  /** The host whose worker runs this model (its device's; a demotion clears the pipeline first). */
  host(): WorkerHost {
    return this.#services.hostFor(this.#spec.device);
  }

  /**
   * Runs one worker call on the pipeline, (re)starting it in the current worker first.
   * @param canRetry - whether a failed attempt may be sent again (see `Recoverable.canRetry`).
   */
  invoke<R>(
    signal: AbortSignal,
    canRetry: () => boolean,
    work: (remote: RemoteWorkerApi, pipelineId: string, callId: number) => Promise<Timed<R>>,
  ): Promise<Timed<R>> {
    return withRecovery(
      {
        // After a demotion the model's device is WASM: the next attempt runs in the WASM worker.
        host: () => this.host(),
        nextCallId: this.#services.nextCallId,
        signal,
        awaitStop: true,
        canRetry,
        demote: (reason) => this.#demote(reason),
      },
      async (remote, callId, generation) => {
        const pipeline = this.#pipeline;
        const id = pipeline?.generation === generation ? pipeline.id : await this.#reopen(remote, generation, callId);
        return work(remote, id, callId);
      },
    );
  }

  /** Runs `work` on the pipeline's worker if it still holds the pipeline (a message that must not start a worker). */
  async notify(work: (remote: RemoteWorkerApi) => Promise<unknown>): Promise<void> {
    const pipeline = this.#pipeline;
    if (pipeline) await this.host().notify(pipeline.generation, work);
  }

  /** Frees the pipeline in its worker (its ORT sessions once no other handle shares them). */
  async release(): Promise<void> {
    const pipeline = this.#pipeline;
    this.#pipeline = undefined;
    if (pipeline) await this.host().notify(pipeline.generation, (remote) => remote.release(pipeline.id));
  }

  #demote(reason: string): boolean {
    const spec = this.#spec;
    if (spec.device !== 'webgpu' || spec.requestedDevice !== 'auto') return false;
    spec.device = 'wasm';
    this.#pipeline = undefined;
    this.#fallback = { from: 'webgpu', reason };
    this.#services.health.webgpuFailure = reason;
    this.#services.events?.emit('fallback', { model: spec.model, from: 'webgpu', to: 'wasm', reason });
    return true;
  }

  /** Opens the pipeline in the worker of `generation` from the stored commit, in one call. */
  async #reopen(remote: RemoteWorkerApi, generation: number, callId: number): Promise<string> {
    const spec = this.#spec;
    const info = await remote.load(callId, {
      task: spec.task,
      model: spec.model,
      revision: spec.commit,
      device: spec.device,
      dtype: spec.dtype,
      policy: 'pinned',
      avoidWebgpu: spec.device === 'wasm',
    });
    this.#pipeline = { id: info.pipelineId, generation };
    return info.pipelineId;
  }
}
