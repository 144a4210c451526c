// Imported first: zod would otherwise probe `new Function` for its fast path, which the CSP (no unsafe-eval) forbids.
import { z } from 'zod';

z.config({ jitless: true });
