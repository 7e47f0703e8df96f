/**
 * The fit check inside the file planner: `load()`, `cache.install()` and `cache.fit()` all see the
 * same plans, checked before any weight byte is fetched (the planner runs after `config.json`
 * only).
 * @module
 */
import type { FilePlan, FilePlanner, ModelConfig } from '../store/prepare-model.ts';
import type { Dtype, ResolvedDevice, SessionDtypes } from '../types.ts';
import type { FitReport, PlatformLimits } from './fit-check.ts';
import { checkFit, refuses, tooLargeError } from './fit-check.ts';

/** The device side of a fit check, gathered once per load. */
export interface FitContext {
  model: string;
  device: ResolvedDevice;
  /** The requested dtype: `auto` steps down to a plan that fits, an explicit one is refused. */
  dtype: Dtype | SessionDtypes;
  limits: PlatformLimits;
  gpu?: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  deviceMemoryGiB?: number;
}

/** A plan checked for fit; `steppedDown` names the first choice that did not fit, and why. */
export interface CheckedPlan {
  plan: FilePlan;
  report: FitReport;
  steppedDown?: { from: FitReport };
}

/**
 * Checks each plan (best first) and keeps the first that fits: with `auto`, a plan that cannot fit
 * gives way to the next (a smaller dtype the repo has), otherwise it is refused.
 * @throws InpageError `MODEL_TOO_LARGE` with the figures, when no allowed plan fits.
 * @example
 * const { plan, report } = pickFitting(plans, config, context);
 */
export function pickFitting(plans: readonly FilePlan[], config: ModelConfig, context: FitContext): CheckedPlan {
  const best = bestFit(plans, config, context);
  if (refuses(best.report)) throw tooLargeError(context.model, best.report);
  return best;
}

/**
 * The plan `load()` would take ({@link pickFitting}), or the first plan with its failing report
 * when none fits: what `cache.fit()` reports.
 * @example
 * const { report } = bestFit(plans, config, context);
 */
export function bestFit(plans: readonly FilePlan[], config: ModelConfig, context: FitContext): CheckedPlan {
  const reports = plans.map((plan) => ({ plan, report: fitReport(plan, config, context) }));
  const [first] = reports;
  if (!first) throw new RangeError('inpage: no plan to check');
  if (!refuses(first.report)) return first;
  const fitting = context.dtype === 'auto' ? reports.find((entry) => !refuses(entry.report)) : undefined;
  return fitting ? { ...fitting, steppedDown: { from: first.report } } : first;
}

/**
 * A planner whose plans are fit-checked ({@link pickFitting}): the one that fits first, then the
 * rest (offline fallbacks). `onChecked` hears the chosen plan's report.
 * @example
 * const plan = fitChecked(filePlanner(bridge, request), context);
 */
export function fitChecked(planner: FilePlanner, context: FitContext, onChecked?: (checked: CheckedPlan) => void): FilePlanner {
  return async (config, snapshot) => {
    const plans = await planner(config, snapshot);
    if (plans.length === 0) return plans;
    const checked = pickFitting(plans, config, context);
    onChecked?.(checked);
    return [checked.plan, ...plans.filter((plan) => plan !== checked.plan && !refuses(fitReport(plan, config, context)))];
  };
}

/**
 * The fit report of one plan, with the storage figures when given.
 * @example
 * fitReport(plan, config, context, { needed: 3_000_000, room: 50_000_000 }).verdict; // 'fits'
 */
export function fitReport(plan: FilePlan, config: ModelConfig, context: FitContext, storage?: { needed: number; room: number }): FitReport {
  const facts: Parameters<typeof checkFit>[0] = {
    device: context.device,
    dtype: plan.dtype,
    files: plan.files,
    config,
    limits: context.limits,
  };
  if (context.gpu) facts.gpu = context.gpu;
  if (context.deviceMemoryGiB !== undefined) facts.deviceMemoryGiB = context.deviceMemoryGiB;
  if (storage) facts.storage = storage;
  return checkFit(facts);
}
