export * from './identity.js';
export * from './tokens.js';
