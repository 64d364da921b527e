import { expect, test, Browser, Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { noHorizontalScroll, signIn } from "./helpers";
import { determinedCase } from "./setup";

// Dashboards (统计看板) and the results registry (鉴定结果): charts drawn on the server, filters
// in the URL that change the figures, the CSV download, and the public registry without sign-in.

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, username);
  return page;
}

const total = (page: Page) => page.getByTestId("table-states").locator("tr", { hasText: "合计" }).locator("td").first();

test("the prefecture's dashboard: charts, a filter in the URL, the CSV", async ({ browser }, info) => {
  const item = `看板测试-${info.project.name}`;
  await determinedCase(item, "non_subject");
  const page = await as(browser, "zhou-jbr");
  await page.getByTestId("nav-dashboard").click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("dash-heading")).toContainText("统计看板 · 全州");
  // Charts are SVG in the server's HTML, each with its table.
  for (const id of ["states", "verdicts", "counties", "domains"]) {
    await expect(page.getByTestId(`chart-${id}`).locator("svg")).toBeVisible();
    await expect(page.getByTestId(`table-${id}`)).toBeVisible();
  }
  await expect(page.getByTestId("chart-states").locator("svg title")).toHaveText("案件状态");
  await expect(page.getByTestId("table-counties")).toContainText("昌吉市");
  await expect(page.getByTestId("table-counties")).toContainText("木垒哈萨克自治县");
  await noHorizontalScroll(page);
  const before = Number(await total(page).textContent());
  expect(before).toBeGreaterThan(0);

  // A period before any case: the URL carries it and the figures change.
  await page.getByTestId("dash-from").fill("2025-01-01");
  await page.getByTestId("dash-to").fill("2025-12-31");
  await page.getByTestId("dash-apply").click();
  await expect(page).toHaveURL(/from=2025-01-01&to=2025-12-31/);
  await expect(page.getByTestId("dash-period")).toContainText("2025-01-01 至 2025-12-31");
  await expect(total(page)).toHaveText("0");
  // One county: only its row.
  await page.goto("/dashboard");
  await page.getByTestId("dash-county").selectOption({ label: "昌吉市" });
  await page.getByTestId("dash-apply").click();
  await expect(page).toHaveURL(/county=652301/);
  await expect(page.getByTestId("dash-heading")).toContainText("昌吉市");
  await expect(page.getByTestId("table-counties").locator("tbody tr")).toHaveCount(1);
  expect(Number(await total(page).textContent())).toBeGreaterThan(0);

  // The CSV: the same table, UTF-8 with a byte-order mark for Excel.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("csv-counties").click()]);
  expect(download.suggestedFilename()).toMatch(/^各县（市）对比-\d{8}-\d{8}\.csv$/);
  const csv = readFileSync(await download.path());
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = csv.toString("utf8").slice(1).trim().split("\r\n");
  expect(lines[0]).toBe("县（市）,提交,办理中,学科类,非学科类,学科类占比,已超期,提请州级裁决");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^昌吉市,\d+,/);

  // A bad period: the error summary links to the field.
  await page.goto("/dashboard?from=2026-05-02&to=2026-05-01");
  await expect(page.getByTestId("error-summary")).toContainText("结束日期不能早于开始日期");
  await expect(page.getByTestId("error-summary").locator('a[href="#to"]')).toBeVisible();
});

test("a county sees its own county; the registry, in full and in public", async ({ browser }, info) => {
  const item = `登记查询-${info.project.name}`;
  await determinedCase(item, "subject");
  const clerk = await as(browser, "xian-jbr");
  await clerk.goto("/dashboard");
  await expect(clerk.getByTestId("dash-heading")).toContainText("统计看板 · 昌吉市");
  await expect(clerk.getByTestId("fig-counties")).toHaveCount(0);
  await expect(clerk.getByTestId("dash-county")).toHaveCount(0);
  await expect(clerk.getByTestId("chart-verdicts").locator("svg")).toBeVisible();
  await noHorizontalScroll(clerk);
  // The navigation on every page comes from the access policy: the clerk goes on to the
  // expert pool from here, the current page marked; no audit log, no accounts for a clerk.
  const nav = clerk.getByTestId("site-nav");
  await expect(nav.getByTestId("nav-dashboard")).toHaveAttribute("aria-current", "page");
  await expect(nav.getByTestId("nav-audit")).toHaveCount(0);
  await expect(nav.getByTestId("nav-accounts")).toHaveCount(0);
  await nav.getByTestId("nav-experts").click();
  await expect(clerk).toHaveURL(/\/experts$/);
  await expect(clerk.getByTestId("site-nav").getByTestId("nav-experts")).toHaveAttribute("aria-current", "page");
  await clerk.goto("/dashboard");
  // Another county by URL: not found.
  await clerk.goto("/dashboard?county=652302");
  await expect(clerk.getByTestId("error-summary")).toBeVisible();

  // The bureaus' registry: search by item; the credit code is shown.
  await clerk.goto("/registry");
  await clerk.getByTestId("reg-item").fill(item);
  await clerk.getByTestId("reg-search").click();
  await expect(clerk).toHaveURL(/item=/);
  await expect(clerk.getByTestId("registry-row")).toHaveCount(1);
  await expect(clerk.getByTestId("registry-row")).toContainText("学科类");
  await expect(clerk.getByTestId("registry-row")).toContainText(/[0-9A-Z]{18}/);
  await noHorizontalScroll(clerk);

  // The public registry: no sign-in, no credit code, no personal data, no link into the case.
  const anon = await (await browser.newContext()).newPage();
  await anon.goto("/");
  await anon.getByTestId("footer-registry").click();
  await expect(anon).toHaveURL(/\/public\/registry$/);
  await anon.getByTestId("reg-item").fill(item);
  await expect(anon.getByTestId("reg-uscc")).toHaveCount(0);
  await anon.getByTestId("reg-search").click();
  const row = anon.getByTestId("registry-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("昌吉市星辰艺术培训中心");
  await expect(row).not.toContainText(/[0-9A-Z]{18}/);
  await expect(row.locator("a")).toHaveCount(0);
  await noHorizontalScroll(anon);
});
