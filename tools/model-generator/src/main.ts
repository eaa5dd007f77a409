#!/usr/bin/env node
// CLI: generate the example ONNX models into a Triton model repository.
//   node dist/tools/model-generator/src/main.js --out examples/model_repository [--models ...] [--matmul-size N] [--matmul-layers L]
import { parseCliOptions } from './cli-options';
import { generateModels } from './generate-models';

function main(): void {
  const options = parseCliOptions(process.argv.slice(2));
  for (const model of generateModels(options.outDir, options)) {
    const detail = model.action === 'written' ? `written (${(model.bytes ?? 0).toLocaleString('en')} bytes)` : 'up to date, skipped';
    console.log(`model-generator: ${model.name}: ${model.path} ${detail}`);
  }
}

try {
  main();
} catch (error) {
  console.error(`model-generator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
