import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The page runs on its own origin (http://localhost:5173 in development) and
// calls the API on another one (VITE_API_URL, http://localhost:3000/graphql by
// default), which must list this origin in its CORS_ORIGINS.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
});
