// The field numbers are the protocol: a Triton client built from KServe's own .proto must read
// what Flotilla writes and be read correctly. These bytes are written and read by field number
// alone (protobufjs' Writer/Reader), independently of grpc_service.proto.
import { Reader, Writer } from 'protobufjs';
import { INFERENCE_SERVICE, serviceMethods } from './proto-definitions';
import { serializeResponse } from './server-service-definition';

const LENGTH_DELIMITED = 2;
const VARINT = 0;
const tag = (field: number, wireType: number) => (field << 3) | wireType;

/** Reads a message's fields as [number, value] pairs; length-delimited values as bytes. */
function fields(bytes: Uint8Array): [number, number | Uint8Array][] {
  const reader = Reader.create(bytes);
  const out: [number, number | Uint8Array][] = [];
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    out.push([key >>> 3, (key & 7) === LENGTH_DELIMITED ? reader.bytes() : Number(String(reader.int64()))]);
  }
  return out;
}

describe('KServe v2 wire format', () => {
  it('decodes a ModelInferRequest written by field number', () => {
    const contents = Writer.create().uint32(tag(6, LENGTH_DELIMITED)).fork().float(1.5).float(-2).ldelim().finish(); // fp32_contents
    const input = Writer.create()
      .uint32(tag(1, LENGTH_DELIMITED)).string('INPUT0')
      .uint32(tag(2, LENGTH_DELIMITED)).string('FP32')
      .uint32(tag(3, LENGTH_DELIMITED)).fork().int64(1).int64(2).ldelim() // shape, packed
      .uint32(tag(5, LENGTH_DELIMITED)).bytes(contents)
      .finish();
    const parameter = Writer.create().uint32(tag(2, VARINT)).int64(7).finish(); // int64_param
    const entry = Writer.create().uint32(tag(1, LENGTH_DELIMITED)).string('priority').uint32(tag(2, LENGTH_DELIMITED)).bytes(parameter).finish();
    const request = Writer.create()
      .uint32(tag(1, LENGTH_DELIMITED)).string('simple')
      .uint32(tag(2, LENGTH_DELIMITED)).string('1')
      .uint32(tag(3, LENGTH_DELIMITED)).string('req-1')
      .uint32(tag(4, LENGTH_DELIMITED)).bytes(entry)
      .uint32(tag(5, LENGTH_DELIMITED)).bytes(input)
      .uint32(tag(6, LENGTH_DELIMITED)).bytes(Writer.create().uint32(tag(1, LENGTH_DELIMITED)).string('OUTPUT0').finish())
      .uint32(tag(7, LENGTH_DELIMITED)).bytes(Buffer.from([1, 2, 3]))
      .finish();
    const decoded = serviceMethods(INFERENCE_SERVICE).ModelInfer.requestDeserialize(Buffer.from(request));
    expect(decoded).toMatchObject({
      model_name: 'simple',
      model_version: '1',
      id: 'req-1',
      parameters: { priority: { int64_param: '7', parameter_choice: 'int64_param' } },
      inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: ['1', '2'], contents: { fp32_contents: [1.5, -2] } }],
      outputs: [{ name: 'OUTPUT0' }],
      raw_input_contents: [Buffer.from([1, 2, 3])],
    });
  });

  it('writes a ModelInferResponse with KServe’s field numbers', () => {
    const bytes = serializeResponse(INFERENCE_SERVICE, 'ModelInfer', {
      model_name: 'simple',
      model_version: '1',
      id: 'req-1',
      outputs: [{ name: 'OUTPUT0', datatype: 'INT32', shape: [1, 16] }],
      raw_output_contents: [Buffer.from([9, 9])],
    });
    const top = fields(bytes);
    const text = (value: number | Uint8Array) => Buffer.from(value as Uint8Array).toString();
    expect(top.map(([number]) => number)).toEqual([1, 2, 3, 5, 6]);
    expect([text(top[0][1]), text(top[1][1]), text(top[2][1])]).toEqual(['simple', '1', 'req-1']);
    const output = fields(top[3][1] as Uint8Array);
    expect(output.map(([number]) => number)).toEqual([1, 2, 3]);
    expect([text(output[0][1]), text(output[1][1])]).toEqual(['OUTPUT0', 'INT32']);
    const shapeReader = Reader.create(output[2][1] as Uint8Array);
    expect([Number(String(shapeReader.int64())), Number(String(shapeReader.int64()))]).toEqual([1, 16]);
    expect([...(top[4][1] as Uint8Array)]).toEqual([9, 9]);
  });

  it('writes a stream response as error_message (1) and infer_response (2)', () => {
    const bytes = serializeResponse(INFERENCE_SERVICE, 'ModelStreamInfer', { error_message: 'bad', infer_response: { id: 'x' } });
    const top = fields(bytes);
    expect(top.map(([number]) => number)).toEqual([1, 2]);
    expect(fields(top[1][1] as Uint8Array)).toEqual([[3, Buffer.from('x')]]);
  });
});
