#!/usr/bin/env bash
# One prepared GPU check, for a lent GPU machine (see the device tool): install the CUDA 12
# provider libraries onnxruntime-node skips by default, build, and run the proof on gpu:0.
# Usage (repository root): bash tools/gpu-proof/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
[ -d node_modules ] || ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
# The CUDA provider binaries come from outside the npm registry; where they cannot be fetched,
# the proof reports that the provider did not load.
ls node_modules/onnxruntime-node/bin/napi-v6/linux/x64/ | grep -q cuda || ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js || true
node tools/build/build.mjs
node dist/tools/gpu-proof/src/main.js --device-id 0 --provider cuda --runs 20
