// Number formatting shared by the CLI report and the benchmark tables.

/** Milliseconds with precision that suits their size: 0.412, 12.3, 1234. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value < 10) return value.toFixed(3);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

export function rate(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}
