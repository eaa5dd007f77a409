import { parseRepositoryIndexBody } from './repository-index-body';

describe('parseRepositoryIndexBody', () => {
  it('lists everything without a body, only READY versions with {"ready": true}', () => {
    expect(parseRepositoryIndexBody(Buffer.alloc(0))).toEqual({ readyOnly: false });
    expect(parseRepositoryIndexBody(Buffer.from('{"ready":true}'))).toEqual({ readyOnly: true });
    expect(parseRepositoryIndexBody(Buffer.from('{"ready":false}'))).toEqual({ readyOnly: false });
  });

  it("refuses a non-boolean 'ready' with Triton's text, and keys it does not understand", () => {
    expect(() => parseRepositoryIndexBody(Buffer.from('{"ready":"yes"}'))).toThrow("Invalid value for 'ready': expected a boolean");
    expect(() => parseRepositoryIndexBody(Buffer.from('{"repository":"x"}'))).toThrow("unexpected key 'repository' in the repository index request");
    expect(() => parseRepositoryIndexBody(Buffer.from('{'))).toThrow('failed to parse the request JSON buffer');
  });
});
