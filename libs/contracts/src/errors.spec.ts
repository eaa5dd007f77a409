import { FlotillaError, tooLarge } from './errors';

describe('TOO_LARGE (a frame over the bus’ max_payload)', () => {
  it('is a 413 over HTTP and RESOURCE_EXHAUSTED over gRPC, and survives the wire', () => {
    const error = tooLarge('request of 2000000 bytes exceeds the NATS server’s max_payload of 1048576 bytes');
    expect(error.httpStatus).toBe(413);
    expect(error.grpcStatus).toBe(8);
    const back = FlotillaError.fromWire(error.toWire());
    expect(back.code).toBe('TOO_LARGE');
    expect(back.httpStatus).toBe(413);
  });
});
