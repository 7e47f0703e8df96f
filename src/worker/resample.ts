/**
 * Resampling of audio samples in the worker, to the rate of a model's feature extractor: a
 * windowed-sinc (Hann, 16 zero crossings each side) interpolator whose cutoff follows the lower of
 * the two rates, so downsampling does not alias. The kernel is tabulated (256 steps per input
 * sample) so that each tap is a lookup and a multiply-add.
 * @module
 */

const zeroCrossings = 16;
const stepsPerSample = 256;

/** The kernel at distances `k / stepsPerSample` input samples, up to its half width. */
function kernelTable(cutoff: number, halfWidth: number): Float32Array {
  const table = new Float32Array(Math.ceil(halfWidth * stepsPerSample) + 2);
  for (let k = 0; k < table.length; k++) {
    const distance = k / stepsPerSample;
    if (distance > halfWidth) break;
    const x = Math.PI * distance * cutoff;
    table[k] = (x === 0 ? 1 : Math.sin(x) / x) * (0.5 + 0.5 * Math.cos((Math.PI * distance) / halfWidth));
  }
  return table;
}

/**
 * `samples` at rate `from`, resampled to rate `to` (the same array when the rates are equal).
 * @example
 * const at16k = resample(samples, 48000, 16000); // a third as long
 */
export function resample(samples: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return samples;
  const ratio = to / from;
  const cutoff = Math.min(1, ratio); // a fraction of the input's Nyquist frequency
  const halfWidth = zeroCrossings / cutoff; // in input samples
  const table = kernelTable(cutoff, halfWidth);
  const output = new Float32Array(Math.max(1, Math.round(samples.length * ratio)));
  for (let i = 0; i < output.length; i++) {
    const centre = i / ratio;
    const first = Math.max(0, Math.ceil(centre - halfWidth));
    const last = Math.min(samples.length - 1, Math.floor(centre + halfWidth));
    let sum = 0;
    let weights = 0;
    for (let n = first; n <= last; n++) {
      const weight = table[Math.round(Math.abs(n - centre) * stepsPerSample)] ?? 0;
      sum += (samples[n] ?? 0) * weight;
      weights += weight;
    }
    output[i] = weights === 0 ? 0 : sum / weights;
  }
  return output;
}
