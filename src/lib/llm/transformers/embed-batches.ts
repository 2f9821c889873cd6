// Splits one embed call into runs of similar length. A batch is padded to its longest text and
// compute grows with padded length, so one long chunk among short ones would make every short one
// pay for its length; grouping by length keeps the padding small.

/** Padded tokens may exceed real tokens by this factor before a new group starts. */
const MAX_PADDING_RATIO = 1.25;
const MAX_GROUP_SIZE = 32;

/** Indices into `lengths`, grouped: each group is run as one padded batch. */
export function planBatches(lengths: readonly number[]): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0));
  const groups: number[][] = [];
  let group: number[] = [];
  let realTokens = 0;
  for (const index of order) {
    const length = lengths[index] ?? 0;
    // Sorted ascending: the newcomer is the longest, so it sets the padded length.
    const paddedTokens = length * (group.length + 1);
    const tooMuchPadding = paddedTokens > MAX_PADDING_RATIO * (realTokens + length);
    if (group.length > 0 && (tooMuchPadding || group.length >= MAX_GROUP_SIZE)) {
      groups.push(group);
      group = [];
      realTokens = 0;
    }
    group.push(index);
    realTokens += length;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
