import { expect, test } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";

test.use({ viewport: { width: 768, height: 1024 }, hasTouch: true });

const HEADER = "节日,放假开始,放假结束,调休上班";

// A year no demo case reaches, so that other tests' deadlines are not moved.
const YEAR = "2031";

test("the administrator imports a year's holiday notice; a bad file or field changes nothing", async ({ page }) => {
  await signIn(page, "admin");
  // The administrator's home warns of the provisional 2027 (the notice is due in November).
  await expect(page.getByTestId("calendar-gaps")).toContainText("2027年的节假日安排为暂定");
  await page.getByTestId("nav-calendar").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("节假日安排");
  await hydrated(page);
  const y2026 = page.locator('[data-testid="calendar-year"][data-year="2026"]');
  await expect(y2026).toContainText("已按通知");
  await expect(y2026.getByTestId("calendar-periods")).toContainText("国庆节");
  await expect(y2026.getByTestId("calendar-version")).toHaveText("系统内置");
  await noHorizontalScroll(page);
  // The year may be there already (a retry of this test on the same server).
  const year = page.locator(`[data-testid="calendar-year"][data-year="${YEAR}"]`);
  const existed = await year.count();

  // A file with two bad rows: each is listed by line and column, nothing is imported.
  await page.getByLabel("年份").fill(YEAR);
  await page.getByLabel("通知名称").fill(`国务院办公厅关于${YEAR}年部分节假日安排的通知`);
  await page.getByLabel("导入原因").fill("通知已发布");
  const bad = `\uFEFF${HEADER}\r\n国庆节,${YEAR}-10-01,${YEAR}-09-30,\r\n劳动节,${YEAR}/5/1,${YEAR}/5/5,${YEAR}-05-06\r\n`;
  await page.getByTestId("calendar-file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad, "utf-8") });
  await page.getByTestId("calendar-run").click();
  await expect(page.getByTestId("calendar-errors")).toContainText("发现 2 处错误");
  await expect(page.locator('[data-testid="calendar-error-row"][data-line="2"]')).toContainText("放假结束早于放假开始");
  await expect(page.locator('[data-testid="calendar-error-row"][data-line="3"]')).toContainText("不是周六或周日");
  await expect(year).toHaveCount(existed);

  // A good file, but the notice's title left out: the summary links to the field.
  const good = `\uFEFF${HEADER}\r\n劳动节,${YEAR}-05-01,${YEAR}-05-05,${YEAR}-04-27\r\n国庆节,${YEAR}-10-01,${YEAR}-10-07,${YEAR}-09-28、${YEAR}-10-11\r\n`;
  await page.getByTestId("calendar-file").setInputFiles({ name: "notice.csv", mimeType: "text/csv", buffer: Buffer.from(good, "utf-8") });
  await page.getByLabel("通知名称").fill("");
  await page.getByTestId("calendar-run").click();
  const summary = page.getByTestId("error-summary");
  await expect(summary.locator('a[href="#calendar-source"]')).toBeVisible();
  await summary.locator('a[href="#calendar-source"]').click();
  await expect(page.locator("#calendar-source")).toBeFocused();
  await expect(year).toHaveCount(existed);

  await page.getByLabel("通知名称").fill(`国务院办公厅关于${YEAR}年部分节假日安排的通知`);
  await page.getByTestId("calendar-run").click();
  await expect(page.getByTestId("calendar-done")).toContainText(/现行为第 \d+ 版/);
  await expect(year).toContainText("已按通知");
  await expect(year.getByTestId("calendar-version")).toHaveText(/第 \d+ 版/);
  await expect(year.getByTestId("calendar-periods")).toContainText(`${YEAR}-09-28、${YEAR}-10-11`);
  await year.getByText("导入记录").click();
  await expect(year.getByTestId("calendar-history")).toContainText("通知已发布");
  await noHorizontalScroll(page);
  await page.setViewportSize({ width: 1024, height: 768 });
  await noHorizontalScroll(page);
});

test("the county clerk is warned on the home page and reads the calendar without importing", async ({ page }) => {
  await signIn(page, "xian-jbr");
  const gaps = page.getByTestId("calendar-gaps");
  await expect(gaps).toContainText("2027");
  await gaps.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("节假日安排");
  await expect(page.locator('[data-testid="calendar-year"][data-year="2027"]')).toContainText("暂定");
  await expect(page.getByTestId("calendar-import")).toHaveCount(0);
  await expect(page.getByTestId("nav-calendar")).toHaveCount(0);
  await noHorizontalScroll(page);
});

test("the administrator changes the time limits with a reason; an out-of-range value is refused at its field", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByTestId("nav-time-limits").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("办理时限");
  await hydrated(page);
  await expect(page.locator('[data-testid="limits-table"] tr[data-field="draw"]')).toContainText("3 个工作日");
  await expect(page.locator('[data-testid="limits-table"] tr[data-field="rereview_request_days"]')).toContainText("15 日（自然日）");
  await noHorizontalScroll(page);

  const draw = page.getByLabel("抽取专家（受理后）");
  await draw.fill("0");
  await page.getByTestId("limits-save").click();
  const summary = page.getByTestId("error-summary");
  await expect(summary.locator('a[href="#limits-draw"]')).toContainText("请填写 1 至 60 之间的整数");
  await expect(summary.locator('a[href="#limits-reason"]')).toBeVisible();
  await summary.locator('a[href="#limits-draw"]').click();
  await expect(draw).toBeFocused();
  await expect(page.getByTestId("limits-saved")).toHaveCount(0);

  // The same values again, with a reason: a new version that moves nothing other tests count on.
  await draw.fill("3");
  await page.getByLabel("修改原因").fill("核对现行时限");
  await page.getByTestId("limits-save").click();
  await expect(page.getByTestId("limits-saved")).toContainText("现行为第");
  await expect(page.getByTestId("limits-version")).toContainText("版");
  await expect(page.getByTestId("limits-history")).toContainText("核对现行时限");
  await noHorizontalScroll(page);
});

test("a county clerk reads the time limits and cannot change them", async ({ page }) => {
  await signIn(page, "xian-jbr");
  await page.goto("/settings/time-limits");
  await hydrated(page);
  await expect(page.getByTestId("limits-table")).toBeVisible();
  await expect(page.getByTestId("limits-form")).toHaveCount(0);
  await expect(page.getByTestId("nav-time-limits")).toHaveCount(0);
});

test("the administrator finds an account by name and reads its sign-ins", async ({ page }) => {
  await signIn(page, "admin");
  await hydrated(page);
  await expect(page.getByTestId("accounts-count")).toBeVisible();
  await page.getByLabel("查找账号").fill("xian-jbr");
  await page.getByTestId("accounts-search").click();
  await expect(page).toHaveURL(/q=xian-jbr/);
  await hydrated(page);
  const row = page.locator('tr[data-username="xian-jbr"]');
  await expect(row).toHaveCount(1);
  await expect(page.getByTestId("accounts-count")).toHaveAttribute("data-count", "1");
  await row.getByTestId("account-activity").click();
  const panel = page.getByTestId("activity-panel");
  await expect(panel).toContainText("xian-jbr");
  await expect(panel.getByTestId("account-attempts")).toContainText("登录");
  await noHorizontalScroll(page);
});
