// A javascript-backend model that takes a known time: it waits `sleep_ms` (a config parameter)
// and echoes its input. With one instance, requests run one after another.
exports.initialize = function (context) {
  this.sleepMs = Number(context.parameters.sleep_ms ?? 100);
};

exports.execute = async function (inputs) {
  await new Promise((resolve) => setTimeout(resolve, this.sleepMs));
  return { OUTPUT0: inputs.INPUT0 };
};
