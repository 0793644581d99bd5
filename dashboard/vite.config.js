import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// public/config.js stays a separate, unhashed file so a container can rewrite it at
// start (the hub URL is run-time configuration, not build-time).
export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  // `npm run dev` behaves like ./vmpulse up's nginx: /ws and /api go to the hub
  // (VMPULSE_HUB, default the local hub port), so config.js can stay "same origin".
  server: {
    host: '127.0.0.1',
    proxy: {
      '/ws': { target: process.env.VMPULSE_HUB ?? 'http://127.0.0.1:8081', ws: true },
      '/api': { target: process.env.VMPULSE_HUB ?? 'http://127.0.0.1:8081' },
    },
  },
  preview: { host: '127.0.0.1' },
  test: {
    include: ['tests/**/*.test.{js,jsx}'],
    environment: 'node',
  },
});
