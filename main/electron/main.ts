// Electron entry point: hands the real electron module to the desktop shell; unexpected errors are logged with context.
import electron from 'electron';
import { createLogger } from '../core/log/index.js';
import { startDesktop } from './desktop.js';

const log = createLogger('desktop');

// A stray rejection is logged and the recorder goes on; an uncaught exception leaves the process in an unknown state,
// so it is logged and the app quits cleanly (the engine's stop finalises the segment being written).
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection (kept running)'));
process.on('uncaughtException', (err, origin) => {
  log.fatal({ err, origin }, 'unexpected error: quitting');
  electron.app.quit();
});

startDesktop(electron).catch((err: unknown) => {
  log.fatal({ err }, 'failed to start');
  electron.dialog.showErrorBox('Porchlight could not start', err instanceof Error ? err.message : String(err));
  electron.app.exit(1);
});
