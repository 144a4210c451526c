// Typed in-process pub/sub keyed by the contract's topics; subscribe returns its unsubscribe.
import type { TopicName, TopicPayload } from '../../common/contract/index.js';
import { createLogger } from '../log/index.js';

const log = createLogger('bus');

type Handler<T extends TopicName> = (payload: TopicPayload<T>) => void;
type AnyHandler = (topic: TopicName, payload: unknown) => void;

export class Bus {
  private readonly handlers = new Map<TopicName, Set<Handler<never>>>();
  private readonly wildcard = new Set<AnyHandler>();

  subscribe<T extends TopicName>(topic: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    set.add(handler as Handler<never>);
    return () => {
      set.delete(handler as Handler<never>);
    };
  }

  /** Every topic, for transports that forward what a client asked for. */
  subscribeAll(handler: AnyHandler): () => void {
    this.wildcard.add(handler);
    return () => {
      this.wildcard.delete(handler);
    };
  }

  /** Delivers synchronously; one failing subscriber never stops the others. */
  publish<T extends TopicName>(topic: T, payload: TopicPayload<T>): void {
    for (const h of this.handlers.get(topic) ?? []) {
      try {
        (h as Handler<T>)(payload);
      } catch (err) {
        log.error({ err, topic }, 'subscriber failed');
      }
    }
    for (const h of this.wildcard) {
      try {
        h(topic, payload);
      } catch (err) {
        log.error({ err, topic }, 'subscriber failed');
      }
    }
  }

  listenerCount(topic: TopicName): number {
    return this.handlers.get(topic)?.size ?? 0;
  }
}
