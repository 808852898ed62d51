export type { DomainEvent, NewEvent } from './event.js';
export { recordEvent, recordEvents, outboxChannel, outboxStatementParts, outboxPart } from './outbox.js';
export { EventTables1700000000000 } from './migration.js';
export { EventBus } from './bus.js';
export type { EventHandler, EventBusOptions } from './bus.js';
export { PostgresListener } from './listener.js';
export type { ListenOptions } from './listener.js';
export { ensureBusSchema, busChannel } from './bus-schema.js';
export { eventEntities, OutboxEntity, EventCursorEntity, InboxEntity, ParkedEventEntity } from './entities.js';
