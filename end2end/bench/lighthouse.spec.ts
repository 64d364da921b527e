import { test } from "@playwright/test";
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { apiAs, EXPERT_ACCOUNTS, underReview } from "../tests/setup";

// `make bench`: Lighthouse's mobile run (simulated Slow 4G: 150 ms RTT, 1.6 Mbps, 4× CPU) on
// the sign-in page and on the score sheet of a seated expert, cold and then again with the same
// browser profile (the service worker and the HTTP cache kept: the classroom tablet's repeat
// visit). Figures, not assertions: the byte budget is held by tests/budget.spec.ts.
const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3100";
const LIGHTHOUSE = path.join(__dirname, "../node_modules/.bin/lighthouse");

function run(url: string, profile: string, cookie: string | undefined, repeat: boolean) {
  fs.mkdirSync(profile, { recursive: true });
  const out = path.join(profile, `report-${Date.now()}.json`);
  const args = [
    url,
    "--only-categories=performance",
    "--output=json",
    `--output-path=${out}`,
    "--quiet",
    `--chrome-flags=--headless --no-sandbox --disable-gpu --user-data-dir=${profile}/chrome`,
  ];
  if (cookie) args.push(`--extra-headers=${JSON.stringify({ Cookie: cookie })}`);
  if (repeat) args.push("--disable-storage-reset");
  execFileSync(LIGHTHOUSE, args, { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM ?? "/usr/bin/chromium" }, stdio: "inherit" });
  const r = JSON.parse(fs.readFileSync(out, "utf8"));
  const ms = (id: string) => Math.round(r.audits[id].numericValue);
  const items: { resourceType: string; transferSize: number }[] = r.audits["resource-summary"].details.items;
  const bytes = items
    .filter((i) => i.transferSize > 0)
    .map((i) => `${i.resourceType} ${(i.transferSize / 1024).toFixed(0)} KB`)
    .join(", ");
  return `FCP ${ms("first-contentful-paint")} ms, TTI ${ms("interactive")} ms, TBT ${ms("total-blocking-time")} ms; ${bytes}`;
}

test("first load under Lighthouse's mobile simulation", async () => {
  test.setTimeout(600_000);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "jianding-lh-"));
  try {
    console.log(`/login cold:   ${run(`${baseURL}/login`, profile + "/login", undefined, false)}`);

    const { caseId, experts } = await underReview(`首载测量${Date.now() % 100000}`);
    const api = await apiAs(EXPERT_ACCOUNTS[experts[0]]);
    const cookie = (await api.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    await api.dispose();
    const sheet = `${baseURL}/cases/${caseId}/sheet`;
    console.log(`sheet cold:    ${run(sheet, profile + "/sheet", cookie, false)}`);
    console.log(`sheet repeat:  ${run(sheet, profile + "/sheet", cookie, true)}`);
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
