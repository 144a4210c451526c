// The notify module: the Notifier with every built-in sink kind registered.
import './sinks/index.js';

export { Notifier, registerSinkKind } from './notifier.js';
export type { AlertNotice, DesktopNotice, DesktopNotifier, DiscoveryTarget, NotifierOptions, SinkContext, SinkInstance, SinkKind } from './notifier.js';
