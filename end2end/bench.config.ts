import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `make bench`'s browser figures (bench/): one run, no retries, no tablet projects.
export default defineConfig({ ...base, testDir: "./bench", retries: 0, projects: undefined });
