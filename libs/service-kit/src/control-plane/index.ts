export * from './control-codecs';
export * from './control-error.filter';
export * from './control-plane.client';
export * from './control-plane-listening';
export * from './control-plane.module';
export * from './control-plane.server';
