/**
 * A confusion matrix whose EC57 figures are worked out by hand in the tests that read it
 * (rows: reference N, S, V, F, Q; columns: predicted): F→V and Q→V calls that VEB must not count,
 * and S calls from three classes.
 */
export const ec57Confusion = (): number[][] => [
  [900, 10, 5, 0, 0],
  [20, 80, 0, 0, 0],
  [4, 1, 90, 5, 0],
  [0, 2, 30, 10, 0],
  [0, 0, 7, 0, 3],
];
