// One page failing does not take the app with it: a plain message, what went wrong, and a way to try again.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Translation } from 'react-i18next';

interface State {
  error: Error | null;
}

export class PageErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn('page failed', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <Translation>
        {(t) => (
          <div className="page-error" role="alert">
            <h2>{t('pageError.title')}</h2>
            <p>
              {t('pageError.body')} {error.message}
            </p>
            <button type="button" className="primary" onClick={() => this.setState({ error: null })}>
              {t('pageError.retry')}
            </button>
          </div>
        )}
      </Translation>
    );
  }
}
