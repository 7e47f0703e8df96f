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
  /** What runs (its device changes when the model is moved to WASM). */
  readonly spec: Readonly<ModelSpec>;
  #pipeline: { id: string; generation: number } | undefined;
  /** `null`, or why the model runs on WASM although WebGPU was planned. */
  fallback: Fallback | null;

  constructor(services: HandleServices, spec: ModelSpec, pipeline: { id: string; generation: number }, fallback: Fallback | null) {
    this.#services = services;
    this.spec = { ...spec };
    this.#pipeline = pipeline;
    this.fallback = fallback;
  }

  /** The host whose worker runs this model (its device's; a demotion clears the pipeline first). */
  host(): WorkerHost {
    return this.#services.hostFor(this.spec.device);
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
    const services = this.#services;
    const spec = this.spec as ModelSpec;
    return withRecovery(
      {
        // After a demotion the model's device is WASM: the next attempt runs in the WASM worker.
        host: () => this.host(),
        nextCallId: services.nextCallId,
        signal,
        awaitStop: true,
        canRetry,
        demote: (reason) => {
          if (spec.device !== 'webgpu' || spec.requestedDevice !== 'auto') return false;
          spec.device = 'wasm';
          this.#pipeline = undefined;
          this.fallback = { from: 'webgpu', reason };
          services.health.webgpuFailure = reason;
          services.events?.emit('fallback', { model: spec.model, from: 'webgpu', to: 'wasm', reason });
          return true;
        },
      },
      async (remote, callId, generation) => {
        let pipeline = this.#pipeline;
        if (pipeline?.generation !== generation) {
          // The worker changed: the pipeline is reopened there from the stored commit, in one call.
          const info = await remote.load(callId, {
            task: spec.task,
            model: spec.model,
            revision: spec.commit,
            device: spec.device,
            dtype: spec.dtype,
            policy: 'pinned',
            avoidWebgpu: spec.device === 'wasm',
          });
          this.#pipeline = pipeline = { id: info.pipelineId, generation };
        }
        return work(remote, pipeline.id, callId);
      },
    );
  }

  /** Runs `work` on the pipeline's worker if it still holds the pipeline (a message that must not start a worker). */
  async notify(work: (remote: RemoteWorkerApi) => Promise<unknown>): Promise<void> {
    const pipeline = this.#pipeline;
    if (pipeline) await this.host().notify(pipeline.generation, work);
  }

  /** Frees the pipeline in its worker (its ORT sessions once no other handle shares them). */
  release(): Promise<void> {
    const id = this.#pipeline?.id as string;
    // `notify` takes the pipeline's worker at once; later calls find none.
    const released = this.notify((remote) => remote.release(id));
    this.#pipeline = undefined;
    return released;
  }
}
