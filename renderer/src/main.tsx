// Entry point of the renderer, in Electron's window and in a browser alike.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { createBridge } from './bridge/index.js';
import { App } from './app.js';
import './styles.css';
// After styles.css: it refines the layout for every window size.
import './small-window.css';

// The CSP forbids eval; zod would otherwise try `new Function` to compile its schemas, and trip a CSP report.
z.config({ jitless: true });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App bridge={createBridge()} />
  </StrictMode>,
);
