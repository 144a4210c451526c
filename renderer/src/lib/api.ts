// React hooks over the client: calls cached by react-query, errors kept as data for the screen to show.
import type { ApiClient } from '@common/bridge.js';
import type { ApiError, MethodInput, MethodName, MethodOutput, TopicName, TopicPayload } from '@common/contract/index.js';
import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useRef } from 'react';

export const ClientContext = createContext<ApiClient | null>(null);

export function useClient(): ApiClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('ClientContext is missing');
  return client;
}

export class CallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

export async function callOrThrow<M extends MethodName>(client: ApiClient, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await client.call(method, input);
  if (!res.ok) throw new CallError(res.error);
  return res.value;
}

export function useCall<M extends MethodName>(
  method: M,
  input: MethodInput<M>,
  options: Omit<UseQueryOptions<MethodOutput<M>, CallError>, 'queryKey' | 'queryFn'> = {},
) {
  const client = useClient();
  return useQuery<MethodOutput<M>, CallError>({
    queryKey: [method, input],
    queryFn: () => callOrThrow(client, method, input),
    ...options,
  });
}

/** A mutation that refreshes the listed queries when it succeeds. */
export function useAction<M extends MethodName>(method: M, invalidates: MethodName[] = []) {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation<MethodOutput<M>, CallError, MethodInput<M>>({
    mutationFn: (input) => callOrThrow(client, method, input),
    onSuccess: () => Promise.all(invalidates.map((m) => qc.invalidateQueries({ queryKey: [m] }))),
  });
}

export function useTopic<T extends TopicName>(topic: T, listener: (payload: TopicPayload<T>) => void): void {
  const client = useClient();
  useEffect(() => client.subscribe(topic, listener), [client, topic, listener]);
}

/**
 * Refetches a query when a busy topic says something changed, at most once per `everyMs` (at once, then once more at
 * the end of the window if more came): event.changed fires for every tracked update of every camera.
 */
export function useThrottledRefresh(method: MethodName, everyMs = 2000): () => void {
  const qc = useQueryClient();
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);
  return useCallback(() => {
    const run = () => {
      last.current = Date.now();
      pending.current = undefined;
      void qc.invalidateQueries({ queryKey: [method] });
    };
    const wait = last.current + everyMs - Date.now();
    if (wait <= 0) run();
    else pending.current ??= setTimeout(run, wait);
  }, [qc, method, everyMs]);
}
