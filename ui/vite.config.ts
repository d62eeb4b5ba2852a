import { defineConfig } from "vitest/config";

// The web UI of Athena Desktop. Tauri loads `dist/` in release builds and the dev
// server on port 1420 during `cargo xtask run`. The root is this folder (npm runs the
// scripts here).
export default defineConfig({
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    // Fonts (KaTeX's) stay files: the CSP has no `font-src data:`, so an inlined font
    // would be refused. Other small assets follow Vite's default.
    assetsInlineLimit: (file) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
