/**
 * Transcription: an audio file or a microphone recording (MediaRecorder) transcribed by a Whisper
 * model, the text streamed as it is produced (`model.stream()`), windows of 30 s for long audio.
 * inpage decodes the file or recording on the main thread; the view only hands over the Blob.
 * @module
 */
import { isInpageError } from 'inpage';
import type { AudioInput } from 'inpage';
import { speechModel } from '../data/models.ts';
import { describeError, el, labelled } from '../dom.ts';
import type { View, ViewContext } from './view.ts';
import { viewSection } from './view.ts';

/**
 * The transcription view.
 * @example
 * const view = createTranscriptionView(context);
 */
export function createTranscriptionView({ models }: ViewContext): View {
  const element = viewSection(
    'transcription',
    'Transcription',
    'Choose an audio file or record from the microphone: the text appears as the model transcribes it.',
  );
  const { field: fileField, control: fileInput } = labelled(
    'Audio file',
    el('input', { id: 'transcription-file', type: 'file', accept: 'audio/*' }),
  );
  const record = el('button', { type: 'button', id: 'transcription-record', 'aria-pressed': 'false' }, 'Record');
  const cancel = el('button', { type: 'button', disabled: true }, 'Cancel');
  const status = el('p', { class: 'status', role: 'status', id: 'transcription-status' });
  const output = el('output', { id: 'transcription-output', for: 'transcription-file', class: 'translation', 'aria-live': 'off' });
  element.append(
    el('div', { class: 'stack' }, fileField, el('div', { class: 'actions' }, record, cancel)),
    status,
    el('h3', {}, 'Text'),
    output,
  );

  let controller: AbortController | null = null;
  let recorder: MediaRecorder | null = null;

  const transcribe = async (audio: AudioInput): Promise<void> => {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    const { signal } = current;
    cancel.disabled = false;
    output.setAttribute('aria-busy', 'true');
    output.textContent = '';
    try {
      status.textContent = 'Loading the model…';
      const model = await models.get('automatic-speech-recognition', speechModel, signal);
      status.textContent = 'Transcribing…';
      for await (const piece of model.stream(audio, { chunkLengthS: 30, signal })) output.textContent += piece;
      status.textContent = 'Done.';
    } catch (error) {
      status.textContent = isInpageError(error, 'ABORTED') ? 'Cancelled.' : describeError(error);
    } finally {
      if (controller === current) {
        controller = null;
        cancel.disabled = true;
        output.setAttribute('aria-busy', 'false');
      }
    }
  };

  const startRecording = async (): Promise<void> => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const parts: Blob[] = [];
      recorder = new MediaRecorder(stream);
      recorder.addEventListener('dataavailable', (event) => parts.push(event.data));
      recorder.addEventListener('stop', () => {
        for (const track of stream.getTracks()) track.stop();
        void transcribe(new Blob(parts, { type: recorder?.mimeType ?? 'audio/webm' }));
        recorder = null;
      });
      recorder.start();
      record.textContent = 'Stop';
      record.setAttribute('aria-pressed', 'true');
      status.textContent = 'Recording… press Stop to transcribe.';
    } catch (error) {
      status.textContent = `The microphone is not available: ${describeError(error)}`;
    }
  };

  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) void transcribe(file);
  });
  record.addEventListener('click', () => {
    if (!recorder) {
      void startRecording();
      return;
    }
    recorder.stop();
    record.textContent = 'Record';
    record.setAttribute('aria-pressed', 'false');
  });
  cancel.addEventListener('click', () => {
    controller?.abort();
    record.focus();
  });

  return { id: 'transcription', title: 'Transcription', element, activate: () => undefined };
}
