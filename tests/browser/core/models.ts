/** The fixture models the core tests use (served by the local Hub). */
export const models = {
  sentiment: 'Xenova/distilbert-base-uncased-finetuned-sst-2-english',
  sentimentLarge: 'inpage-fixtures/sentiment-large',
  ner: 'Xenova/bert-base-NER',
  embedder: 'Xenova/all-MiniLM-L6-v2',
  translator: 'Xenova/opus-mt-en-fr',
  counter: 'Xenova/distilgpt2',
  t5: 'Xenova/t5-small',
} as const;

export const texts = {
  positive: 'I love this wonderful movie',
  negative: 'this is a terrible, awful film',
  french: 'the cat eats the fish',
  longFrench: 'Today my friend reads a very good book and the small cat sleeps on the red mat with the dog.',
  longFrenchOutput: "aujourd'hui mon ami lit un très bon livre et le petit chat dort sur le rouge tapis avec le chien.",
} as const;
