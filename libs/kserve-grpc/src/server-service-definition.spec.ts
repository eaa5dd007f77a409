import { INFERENCE_SERVICE } from './proto-definitions';
import { MalformedMessage, serverServiceDefinition } from './server-service-definition';

describe('serverServiceDefinition', () => {
  const modelInfer = serverServiceDefinition(INFERENCE_SERVICE).ModelInfer;

  it('hands the handler a MalformedMessage, naming the message and the problem, instead of throwing', () => {
    // Field 7 (raw_input_contents), length-delimited, says 16 bytes follow; only one does.
    const decoded = modelInfer.requestDeserialize(Buffer.from([0x3a, 0x10, 0x41]));
    expect(decoded).toBeInstanceOf(MalformedMessage);
    expect((decoded as MalformedMessage).problem).toMatch(/^the request is not a valid ModelInferRequest protobuf message: index out of range/);
  });

  it('decodes valid requests as usual', () => {
    expect(modelInfer.requestDeserialize(Buffer.from([0x0a, 0x01, 0x41]))).toMatchObject({ model_name: 'A', inputs: [] });
  });

  it('sends a response that is already serialised as it is', () => {
    const bytes = Buffer.from([1, 2, 3]);
    expect(modelInfer.responseSerialize(bytes)).toBe(bytes);
    expect(modelInfer.responseSerialize({ model_name: 'A' })).toEqual(Buffer.from([0x0a, 0x01, 0x41]));
  });
});
