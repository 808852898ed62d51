export { EventType } from './event-type.js';
export { contract, definedEvents, schemaOf } from './contract.js';
export type { ContractEvent, ContractEventOf, PayloadInput, PayloadOf, VersionOf } from './contract.js';
export * from './build.js';
export { EventParseError, acceptedTypes, parseEvent, parsePayload } from './parse.js';
export type { Accepts, Envelope, Parsed } from './parse.js';
export * from './manufacturer-events.js';
export * from './inventory-events.js';
export * from './order-events.js';
