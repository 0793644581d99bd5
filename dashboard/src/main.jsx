import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import './charts/register.js';
import App from './App.jsx';
import { resolveHub } from './lib/hubConfig.js';

const hub = resolveHub(window.VMPULSE_CONFIG?.hubUrl, window.location, window.VMPULSE_CONFIG?.allowedHubs);

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App hub={hub} />
  </StrictMode>,
);
