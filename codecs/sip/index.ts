/** The SIP codec: parse, serialize, build, and the typed header values. */
export * from './types';
export * from './grammar';
export * from './headers';
export * from './uri';
export * from './auth';
export * from './multipart';
export * from './message';
export * from './parse';
export * from './serialize';
export * from './reasons';
