/** The Node example clients: each is a function the CLI runs and tests call. */
export { createApi, subscriptionUrl, SubscriptionRefused, DEFAULT_GATEWAY_URL, type Api, type ApiOptions, type SubscriptionEvent } from './api.js';
export { SessionKeeper, SessionEnded, signIn, type SessionTokens } from './session.js';
export { browse, type BrowseResult, type Offer } from './browse.js';
export { order, type OrderExampleResult } from './order.js';
export { watch, type WatchResult } from './watch.js';
export { manufacturer, type ManufacturerExampleResult } from './manufacturer.js';
export { formatTable, type Row } from './table.js';
export { parseDuration, sleep, type ExampleOptions } from './options.js';
export { recordEvents, type EventRecorder } from './event-recorder.js';
