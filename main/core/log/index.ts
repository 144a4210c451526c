// One logger per module (pino), with credentials scrubbed from every message and field.
import pino, { type Logger } from 'pino';
import { redactDeep, redactSecrets } from '../../common/redact.js';

export type { Logger } from 'pino';

export interface LogEntry {
  time: number;
  level: string;
  module: string;
  msg: string;
}

const RING_SIZE = 500;
const ring: LogEntry[] = [];
const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Keeps the last lines in memory for the System screen. */
const ringStream = {
  write(line: string): void {
    try {
      const o = JSON.parse(line) as { time: number; level: number; module?: string; msg?: string };
      ring.push({ time: o.time, level: LEVEL_NAMES[o.level] ?? String(o.level), module: o.module ?? 'app', msg: o.msg ?? '' });
      if (ring.length > RING_SIZE) ring.splice(0, ring.length - RING_SIZE);
    } catch {
      // a line that is not JSON cannot be shown; it still went to the main destination
    }
  },
};

/** Forwards to the current sink, so loggers created at import time follow `setLogDestination`. */
let sink: { write(line: string): unknown } = pino.destination({ dest: 2, sync: true });
const forwardingStream = {
  write(line: string): void {
    sink.write(line);
  },
};

const level = (process.env.PORCHLIGHT_LOG_LEVEL ?? 'info') as pino.Level;

const root: Logger = pino(
  {
    level,
    base: null,
    hooks: {
      // Every argument (message, format values, merged objects) passes the credential scrubber.
      logMethod(args, method) {
        const clean = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : redactDeep(a)));
        method.apply(this, clean as Parameters<typeof method>);
      },
    },
    serializers: { err: (e: unknown) => pino.stdSerializers.err(redactDeep(e) as Error) },
  },
  pino.multistream([
    { stream: forwardingStream, level },
    { stream: ringStream, level: 'info' },
  ]),
);

const children = new Map<string, Logger>();

/** Returns the logger of a module; the module name is on every line. */
export function createLogger(module: string): Logger {
  let child = children.get(module);
  if (!child) {
    child = root.child({ module });
    children.set(module, child);
  }
  return child;
}

/** Sends every log line to another sink (tests capture lines; the server may write a file). */
export function setLogDestination(next: { write(line: string): unknown }): void {
  sink = next;
}

export function recentLogs(limit = 200): LogEntry[] {
  return ring.slice(-limit);
}
