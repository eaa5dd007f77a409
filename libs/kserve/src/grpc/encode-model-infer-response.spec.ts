import type { Tensor } from '@flotilla/contracts';
import { encodeModelInferResponse, streamErrorResponse } from './encode-model-infer-response';

const tensor = (name: string, values: number[]): Tensor => ({ name, datatype: 'INT32', shape: [1, values.length], data: new Uint8Array(new Int32Array(values).buffer) });
const response = { id: 'q', modelName: 'simple', modelVersion: '1', outputs: [tensor('OUTPUT0', [1, 2]), tensor('OUTPUT1', [3, 4])] };

describe('encodeModelInferResponse', () => {
  it('puts every output in raw_output_contents, in output order, with the request id', () => {
    const message = encodeModelInferResponse(response, []);
    expect(message).toMatchObject({ id: 'q', model_name: 'simple', model_version: '1', parameters: {} });
    expect(message.outputs).toEqual([
      { name: 'OUTPUT0', datatype: 'INT32', shape: [1, 2], parameters: {} },
      { name: 'OUTPUT1', datatype: 'INT32', shape: [1, 2], parameters: {} },
    ]);
    expect(message.raw_output_contents).toEqual([response.outputs[0].data, response.outputs[1].data]);
  });

  it('returns only the outputs asked for, in the order asked', () => {
    const message = encodeModelInferResponse(response, [{ name: 'OUTPUT1', parameters: {} }]);
    expect(message.outputs.map((o) => o.name)).toEqual(['OUTPUT1']);
    expect(message.raw_output_contents).toEqual([response.outputs[1].data]);
  });

  it('carries response parameters as typed gRPC parameters', () => {
    const message = encodeModelInferResponse({ ...response, parameters: { flotilla_instance: 'a_0', flotilla_queue_us: 12, flotilla_compute_start_ms: 1.5 } }, []);
    expect(message.parameters).toEqual({ flotilla_instance: { string_param: 'a_0' }, flotilla_queue_us: { int64_param: 12 }, flotilla_compute_start_ms: { double_param: 1.5 } });
  });

  it('answers a failed stream request with its id, so the client can match it', () => {
    expect(streamErrorResponse('boom', { id: '7', model_name: 'm', model_version: '' })).toEqual({
      error_message: 'boom',
      infer_response: { id: '7', model_name: 'm', model_version: '', parameters: {}, outputs: [], raw_output_contents: [] },
    });
  });
});
