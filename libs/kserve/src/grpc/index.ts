export * from './grpc-messages';
export { decodeModelInferRequest } from './decode-model-infer-request';
export { encodeModelInferResponse, streamErrorResponse } from './encode-model-infer-response';
export { inferParametersToScalars, scalarsToInferParameters, type ScalarParameters } from './infer-parameters';
export { typedContentsToBytes, filledContentsFields } from './typed-contents';
export { repositoryParameters, type RepositoryParameterMessage } from './repository-parameters';
export { traceSettingResponseOf, traceSettingUpdateOf, type TraceSettingRequestMessage, type TraceSettingResponseMessage } from './trace-setting-messages';
