import { expect, test } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";

test.use({ viewport: { width: 768, height: 1024 }, hasTouch: true });

const HEADER =
  "姓名,工作单位,职称,专家类别,擅长领域,熟悉学段,所在县（市）,手机号,聘期开始,聘期结束,本人未在培训机构任职兼职,近亲属未在培训机构任职兼职";

test("the prefecture filters the pool and the URL keeps the filter", async ({ page }) => {
  await signIn(page, "zhou-jbr");
  await page.goto("/experts");
  await hydrated(page);
  await expect(page.getByTestId("expert-table")).toBeVisible();
  await noHorizontalScroll(page);
  await page.getByTestId("filter-kind").selectOption("legal");
  await page.getByTestId("filter-county").selectOption("652301");
  await page.getByTestId("apply-filter").click();
  await page.waitForURL(/kind=legal/);
  expect(page.url()).toContain("county=652301");
  const rows = page.getByTestId("expert-row");
  await expect(rows.first()).toBeVisible();
  const n = await rows.count();
  for (let i = 0; i < n; i++) {
    await expect(rows.nth(i)).toContainText("昌吉市");
    await expect(rows.nth(i)).toContainText("法律专家");
  }
  // The link alone reproduces the list.
  const url = page.url();
  await page.goto(url);
  await hydrated(page);
  await expect(page.getByTestId("expert-row")).toHaveCount(n);
  await expect(page.getByTestId("filter-kind")).toHaveValue("legal");
});

test("a CSV with one bad row imports nothing and lists the row", async ({ page }) => {
  const stamp = String(Date.now() % 100000000).padStart(8, "0");
  const good = `导入${stamp.slice(-4)}`;
  const csv =
    "\uFEFF" +
    `${HEADER}\r\n` +
    `${good},昌吉市第一中学,副高级,学科/教学专家,体育、艺术,小学,昌吉市,137${stamp},2026-09-01,2029-08-31,是,是\r\n` +
    `坏行${stamp.slice(-4)},昌吉学院,初级,法律专家,,,州直,138${stamp},2026-09-01,2029-08-31,是,是\r\n`;
  await signIn(page, "zhou-jbr");
  await page.goto("/experts/import");
  await hydrated(page);
  await expect(page.getByTestId("import-columns")).toBeVisible();
  await expect(page.getByTestId("import-template")).toHaveAttribute("download", /\.csv$/);
  await page.getByTestId("import-file").setInputFiles({ name: "experts.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf-8") });
  await page.getByTestId("run-import").click();
  await expect(page.getByTestId("import-errors")).toBeVisible();
  const err = page.locator('[data-testid="import-error"][data-line="3"]');
  await expect(err).toHaveCount(1);
  await expect(err).toContainText("行 3");
  await expect(err).toContainText("职称");
  await expect(page.getByTestId("import-done")).toHaveCount(0);
  await noHorizontalScroll(page);
  // Not even the good row was imported.
  await page.goto(`/experts?q=${encodeURIComponent(good)}`);
  await hydrated(page);
  await expect(page.getByTestId("expert-count")).toHaveAttribute("data-count", "0");
});

test("an expert updates their own declarations", async ({ page }) => {
  await signIn(page, "zhuanjia-3");
  await page.goto("/expert/profile");
  await hydrated(page);
  const own = page.getByTestId("decl-own");
  const relatives = page.getByTestId("decl-relatives");
  await expect(own).toBeVisible();
  // Withdraw one declaration: the page says the expert will not be drawn.
  await relatives.uncheck();
  await expect(page.getByTestId("declaration-state")).toContainText("尚未作出全部声明");
  await page.getByTestId("save-declarations").click();
  await expect(page.getByTestId("declarations-saved")).toBeVisible();
  // Give it again, with a period of unavailability far from any demo draw.
  await own.check();
  await relatives.check();
  await page.locator("#availability-unavailable_from").fill("2030-01-01");
  await page.locator("#availability-unavailable_until").fill("2030-01-05");
  await page.getByTestId("save-declarations").click();
  await expect(page.getByTestId("declarations-saved")).toBeVisible();
  await expect(page.getByTestId("declaration-state")).toContainText("已作出两项声明");
  await noHorizontalScroll(page);
  // Saved on the server: a fresh load shows the same.
  await page.reload();
  await hydrated(page);
  await expect(relatives).toBeChecked();
  await expect(page.locator("#availability-unavailable_until")).toHaveValue("2030-01-05");
});
