/// <reference types="vitest/config" />
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import { defineConfig, type Plugin } from "vite";

/** Where the `shotline` package serves its static files from (at /static/). */
const outDir = fileURLToPath(new URL("../src/shotline/static/app", import.meta.url));

/**
 * Third-party pages the server offers beside the app (Swagger UI, ReDoc,
 * GraphiQL) are served from the same static folder, so that nothing is loaded
 * from outside the server. Their files are copied from the npm packages as
 * they are published: file in the package → path under static/vendor/.
 */
const VENDOR: Record<string, string> = {
  "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
  "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
  "swagger-ui-dist/favicon-32x32.png": "swagger-ui/favicon-32x32.png",
  "redoc/bundles/redoc.standalone.js": "redoc/redoc.standalone.js",
  "react/umd/react.production.min.js": "graphiql/react.production.min.js",
  "react-dom/umd/react-dom.production.min.js": "graphiql/react-dom.production.min.js",
  "graphiql/graphiql.min.js": "graphiql/graphiql.min.js",
  "graphiql/graphiql.min.css": "graphiql/graphiql.min.css",
  "@graphiql/plugin-explorer/dist/index.umd.js": "graphiql/plugin-explorer.umd.js",
  "@graphiql/plugin-explorer/dist/style.css": "graphiql/plugin-explorer.css",
};

function vendorFiles(): Plugin {
  return {
    name: "shotline-vendor-files",
    apply: "build",
    generateBundle() {
      for (const [source, target] of Object.entries(VENDOR)) {
        this.emitFile({
          type: "asset",
          fileName: `vendor/${target}`,
          // Read from node_modules as installed: these files are not in the packages' "exports".
          source: readFileSync(new URL(`./node_modules/${source}`, import.meta.url)),
        });
      }
    },
  };
}

export default defineConfig({
  base: "/static/",
  plugins: [vue(), vendorFiles()],
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 400,
  },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
  },
});
