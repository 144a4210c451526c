// Entry: the client for this host, the query cache, the router, the app shell.
import './zod-config.js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { HashRouter } from 'react-router';
import { App } from './App.js';
import { ClientContext } from './lib/api.js';
import { createClient } from './lib/transport.js';
import { i18n } from './i18n/index.js';
import './styles.css';

const client = createClient();
const queries = new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 5_000, refetchOnWindowFocus: false } } });

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <ClientContext.Provider value={client}>
        <QueryClientProvider client={queries}>
          <HashRouter>
            <App />
          </HashRouter>
        </QueryClientProvider>
      </ClientContext.Provider>
    </I18nextProvider>
  </StrictMode>,
);
