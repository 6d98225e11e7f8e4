import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The service listens here in development (`make run` / `python -m service serve`).
const apiTarget = "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    proxy: { "/api": { target: apiTarget, changeOrigin: false } },
  },
  preview: { host: "127.0.0.1" },
  build: {
    // Emit every asset as a file: the production CSP (default-src 'self') blocks data: URLs.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    restoreMocks: true,
    // Bounds on waiting, not speed targets: typing a long password through zxcvbn took over 5 s
    // on a 2-core machine shared with other suites.
    testTimeout: 20_000,
    coverage: {
      provider: "v8",
      reporter: ["text-summary", "text"],
      include: ["src/**/*.{ts,tsx}"],
      exclude: ["src/api/schema.ts", "src/test/**", "src/**/*.test.{ts,tsx}", "src/main.tsx", "src/vite-env.d.ts"],
    },
  },
});
