/** The token that unlocks the gated test repo on the local Hub server. */
export const gatedToken = 'hf_inpage_test_token';

/** Gated repos of the local Hub server used by tests: repo id → token. */
export const gatedRepos: Record<string, string> = {
  'inpage-test/gated-large': gatedToken,
};
