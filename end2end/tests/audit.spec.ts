import { expect, test } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";

test("a county director reads the county's audit log, searches it and is told of a bad search at its field", async ({ page }) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await signIn(page, "xian-fzr");
  await page.getByTestId("nav-audit").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("审计日志");
  await expect(page.getByTestId("audit-scope")).toContainText("昌吉市");
  // A county's director does not check the chain (the prefecture and the administrator do).
  await expect(page.getByTestId("audit-verify")).toHaveCount(0);
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  await noHorizontalScroll(page);

  // Sign-ins only: every row is one.
  await page.getByLabel("操作", { exact: true }).fill("auth.login");
  await page.getByTestId("audit-search").click();
  await expect(page).toHaveURL(/action=auth\.login/);
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toBeVisible();
  for (const a of await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-action")))) {
    expect(a).toMatch(/^auth\.login/);
  }
  await expect(page.getByTestId("audit-export")).toHaveAttribute("href", /\/export\/audit\.csv\?action=auth\.login/);

  // A malformed action: the summary links to the field, which says what is wrong.
  await page.goto("/audit?action=DROP%20TABLE");
  await expect(page.getByTestId("error-summary")).toContainText("操作代码只含小写字母");
  await expect(page.getByTestId("error-summary").locator('a[href="#action"]')).toBeVisible();
  await page.setViewportSize({ width: 1024, height: 768 });
  await noHorizontalScroll(page);
});

test("the administrator checks the audit chain from the page", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await signIn(page, "admin");
  await page.goto("/audit");
  await hydrated(page);
  await expect(page.getByTestId("audit-scope")).toContainText("全州");
  await page.getByTestId("audit-verify").click();
  await expect(page.getByTestId("audit-verified")).toContainText("审计链完整");
});
