import { pipeline } from '@huggingface/transformers';
import type { PipelineType } from '@huggingface/transformers';
import type { ResolvedDevice, ResolvedDtype } from '../types.ts';
import { dtypeOfKey } from '../runtime/device-plan.ts';
import { classifyError } from './classify-error.ts';
import { guardPipeline } from './guard-pipeline.ts';

/** A transformers.js pipeline as inpage calls it. */
export interface LoadedPipeline {
  (...args: unknown[]): Promise<unknown>;
  tokenizer?: unknown;
  dispose(): Promise<void>;
}

/** What identifies one pipeline: loading the same key twice shares it. */
export interface PipelineKey {
  pipelineTask: string;
  repo: string;
  commit: string;
  dtype: ResolvedDtype;
  device: ResolvedDevice;
}

interface Entry {
  pipeline: Promise<LoadedPipeline>;
  users: number;
}

/**
 * The worker's loaded pipelines, shared by key and released (ORT sessions freed) when the last
 * handle is disposed.
 * @example
 * const { id, pipeline } = await pipelines.acquire(key, config, (load) => load());
 * await pipelines.release(id);
 */
export class LoadedPipelines {
  readonly #entries = new Map<string, Entry>();

  /**
   * Loads (or shares) the pipeline of `key`. `config` is the model's parsed `config.json` (so
   * transformers.js does not read it again); `create` wraps the actual load (to activate the store, say).
   */
  async acquire(
    key: PipelineKey,
    config: object,
    create: (load: () => Promise<LoadedPipeline>) => Promise<LoadedPipeline>,
  ): Promise<{ id: string; pipeline: LoadedPipeline }> {
    const id = [key.pipelineTask, key.repo, key.commit, key.dtype, key.device].join('|');
    let entry = this.#entries.get(id);
    if (!entry) {
      const load = async (): Promise<LoadedPipeline> => {
        try {
          const created = await pipeline(key.pipelineTask as PipelineType, key.repo, {
            revision: key.commit,
            device: key.device,
            dtype: dtypeOfKey(key.dtype),
            // A fresh copy: transformers.js wraps it in its own config object.
            config: structuredClone(config) as never,
          });
          return guardPipeline(created as unknown as LoadedPipeline);
        } catch (error) {
          throw classifyError(error, `Could not start "${key.repo}" (${key.dtype}) on ${key.device}`, 'load');
        }
      };
      entry = { pipeline: create(load), users: 0 };
      this.#entries.set(id, entry);
      entry.pipeline.catch(() => this.#entries.delete(id));
    }
    entry.users += 1;
    try {
      return { id, pipeline: await entry.pipeline };
    } catch (error) {
      entry.users -= 1;
      throw error;
    }
  }

  /** The pipeline behind an id, if it is loaded. */
  async get(id: string): Promise<LoadedPipeline | undefined> {
    return this.#entries.get(id)?.pipeline;
  }

  /** Drops one user of a pipeline; the last one disposes it. */
  async release(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    this.#entries.delete(id);
    await (await entry.pipeline).dispose();
  }
}
