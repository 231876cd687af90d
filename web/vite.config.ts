// The console is built into the Python package's static folder, which `vouch serve`
// serves at `/`. In development, `npm run dev` proxies /api to a running `vouch serve`.
import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const outDir = fileURLToPath(new URL("../src/vouch/static/console", import.meta.url));

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // Long-lived libraries in chunks of their own: an app change leaves them cached.
        manualChunks(id: string): string | undefined {
          if (!id.includes("node_modules")) return undefined;
          if (/node_modules\/(echarts|zrender|echarts-for-react)\//.test(id)) return "charts";
          if (/node_modules\/(react|react-dom|scheduler|react-router|react-router-dom)\//.test(id))
            return "react";
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { "/api": process.env.VOUCH_API ?? "http://127.0.0.1:8000" },
  },
});
