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
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  test: {
    include: ['src/**/*.test.{js,jsx}'],
    environment: 'node',
  },
});
