import { Browser, expect } from "@playwright/test";
import { hydrated } from "./helpers";
import { apiAs } from "./setup";

// The bytes a tablet fetches before a page is interactive (issue 20): the JS, WASM, CSS and the
// language's table of the first load in a browser with nothing cached, as the server sends them (brotli), counted
// from the browser's own resource timings. Bytes, not time: a regression fails here on any
// machine. The figures are ceilings a little above what the build measures now; lower them as
// the budget is won, never raise them without saying why in the commit.
// Measured at the split build (issue 20): login 330, sheet 589, dashboard 916 KB; one file of
// 1,789 KB before it. Sheet 508 KB once the rubric and the negative list came with the page's
// data instead of the TOML files and a TOML parser in the module.
// Raised for the dashboard from 950 to 975 (issue 23): the settings pages (holiday calendar,
// time limits) made a seventh split group and the calendar warning shares its module with the
// bureau's homes; measured 969 KB in 63 files on a clean build. To be won back under issue 20.
export const BUDGET_KB: Record<string, number> = {
  login: 345,
  sheet: 525,
  dashboard: 975,
};

/** Opens `path` in a fresh context (empty cache, no service worker) and sums what it fetched. */
export async function firstLoad(browser: Browser, path: string, username?: string) {
  let storageState;
  if (username) {
    const api = await apiAs(username);
    storageState = await api.storageState();
    await api.dispose();
  }
  const ctx = await browser.newContext({ storageState, serviceWorkers: "block" });
  const page = await ctx.newPage();
  await page.goto(path);
  await hydrated(page);
  // Whatever the hydration itself asked for (a lazy route's chunks) has arrived by now.
  await page.waitForLoadState("networkidle");
  const files: { name: string; bytes: number; encoded: number; decoded: number }[] = await page.evaluate(() =>
    (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
      // The language's table too: the page is not interactive before it has arrived.
      .filter((e) => /\.(js|wasm|css)$/.test(new URL(e.name).pathname) || new URL(e.name).pathname.startsWith("/pkg/i18n/"))
      .map((e) => ({
        name: new URL(e.name).pathname,
        bytes: e.transferSize,
        encoded: e.encodedBodySize,
        decoded: e.decodedBodySize,
      })),
  );
  await ctx.close();
  const total = files.reduce((s, f) => s + f.bytes, 0);
  return { files, total };
}

export type Load = Awaited<ReturnType<typeof firstLoad>>;

/** Prints what the first load fetched and holds it to the route's budget. */
export function withinBudget(route: string, r: Load) {
  const lines = r.files.map((f) => `  ${(f.bytes / 1024).toFixed(1).padStart(8)} KB  ${f.name}`);
  console.log(`first load of ${route}: ${(r.total / 1024).toFixed(1)} KB in ${r.files.length} files\n${lines.join("\n")}`);
  expect(r.files.length).toBeGreaterThan(1);
  // Each module and the stylesheet came compressed (the build's brotli files, not raw bytes).
  for (const f of r.files.filter((f) => f.decoded > 2048)) {
    expect(f.encoded, `${f.name} is sent compressed`).toBeLessThan(f.decoded);
  }
  expect(r.total / 1024, `${route} first load (KB, brotli)`).toBeLessThanOrEqual(BUDGET_KB[route]);
}
