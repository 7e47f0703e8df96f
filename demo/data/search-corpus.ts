/**
 * The semantic-search corpus and example queries: a copy of
 * `tests/fixtures/defs/search-corpus.ts` (kept identical; an e2e test checks it), so that the demo
 * does not import from tests/. Every word is in the embedder fixture's vocabulary.
 *
 * @module
 */

/** Sentences to search, one per topic. */
export const searchCorpus: readonly string[] = [
  'The cat sleeps on the sofa',
  'My car needs new tires',
  'We cook pasta with cheese for dinner',
  'The forecast says rain and cold wind tomorrow',
  'She plays the guitar in a rock band',
  'The football team won the match',
  'The new laptop has a bright screen',
  'We booked a hotel near the beach',
  'The doctor works at the hospital',
  'That film has a great story and actors',
];

/** A query and the corpus sentence that must rank first for it (cosine of mean-pooled, normalized embeddings). */
export interface SearchExample {
  query: string;
  expectedTop: string;
}

/** Queries whose top hit is unambiguous. */
export const searchExamples: readonly SearchExample[] = [
  { query: 'kitten', expectedTop: 'The cat sleeps on the sofa' },
  { query: 'a puppy on the couch', expectedTop: 'The cat sleeps on the sofa' },
  { query: 'truck', expectedTop: 'My car needs new tires' },
  { query: 'pizza', expectedTop: 'We cook pasta with cheese for dinner' },
  { query: 'snow', expectedTop: 'The forecast says rain and cold wind tomorrow' },
  { query: 'piano', expectedTop: 'She plays the guitar in a rock band' },
  { query: 'soccer', expectedTop: 'The football team won the match' },
  { query: 'computer', expectedTop: 'The new laptop has a bright screen' },
  { query: 'flight to the airport', expectedTop: 'We booked a hotel near the beach' },
  { query: 'medicine', expectedTop: 'The doctor works at the hospital' },
  { query: 'movie', expectedTop: 'That film has a great story and actors' },
];
