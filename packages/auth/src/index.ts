export * from './identity.js';
export * from './keys.js';
export * from './tokens.js';
export * from './customers.js';
