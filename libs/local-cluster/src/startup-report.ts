/** One row of `POST /v2/repository/index`, as the gateway answers it. */
export interface IndexRow {
  readonly name: string;
  readonly version?: string;
  readonly state?: string;
  readonly reason?: string;
}

/**
 * Where the startup models stand: `loading` names what is still loading (so a wait can say what it
 * waits for), `failed` each model version that failed with its reason, `ready` the models with a
 * READY version. Folders never loaded (explicit mode) and unloaded models are in none of them.
 */
export interface StartupReport {
  readonly loading: readonly string[];
  readonly failed: readonly { readonly model: string; readonly version?: string; readonly reason: string }[];
  readonly ready: readonly string[];
}

export function startupReport(rows: readonly IndexRow[]): StartupReport {
  const loading = new Set<string>();
  const ready = new Set<string>();
  const failed: { model: string; version?: string; reason: string }[] = [];
  for (const row of rows) {
    if (row.state === 'LOADING') loading.add(row.name);
    else if (row.state === 'READY') ready.add(row.name);
    else if (row.state === 'UNAVAILABLE' && row.reason !== 'unloaded') failed.push({ model: row.name, ...(row.version ? { version: row.version } : {}), reason: row.reason ?? '' });
  }
  return { loading: [...loading], failed, ready: [...ready] };
}

/** One line per failed model version: `model 'm' version 2: <reason>`. */
export function failureLines(report: StartupReport): string[] {
  return report.failed.map((f) => `model '${f.model}'${f.version ? ` version ${f.version}` : ''}: ${f.reason}`);
}
