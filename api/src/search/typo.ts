/**
 * Edit distance for typo correction: Damerau–Levenshtein in its "optimal string
 * alignment" form, so a swapped pair of letters ("toqrue") costs one edit, as it does
 * on a tablet keyboard. Stops as soon as the distance must exceed `max`.
 */

/** Distance between `a` and `b`, or `max + 1` when it is more than `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const width = b.length + 1;
  // Three rows: two back (for transpositions), one back, current.
  let before = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, (before[j - 2] as number) + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[b.length] as number, max + 1);
}

/** How many edits a word of this length may need to be corrected: none under 4 letters. */
export function typoBudget(word: string): number {
  if (word.length < 4) return 0;
  return word.length <= 5 ? 1 : 2;
}
