// Electron entry point: hands the real electron module to the desktop shell.
import electron from 'electron';
import { startDesktop } from './desktop.js';

startDesktop(electron).catch((err: unknown) => {
  console.error('Porchlight failed to start:', err);
  electron.dialog.showErrorBox('Porchlight could not start', err instanceof Error ? err.message : String(err));
  electron.app.exit(1);
});
