import { serverMetadata, SUPPORTED_EXTENSIONS } from './server-metadata';

describe('serverMetadata', () => {
  it('names the server triton and lists the extensions Flotilla implements', () => {
    expect(serverMetadata('2.73.0')).toEqual({
      name: 'triton',
      version: '2.73.0',
      extensions: ['binary_tensor_data', 'model_configuration', 'model_repository', 'model_repository(unload_dependents)', 'schedule_policy', 'statistics', 'trace'],
    });
  });

  it('hands out a copy, so callers cannot change the constant', () => {
    serverMetadata('1').extensions.push('x');
    expect(SUPPORTED_EXTENSIONS).not.toContain('x');
  });
});
