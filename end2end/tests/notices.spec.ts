import { expect, test } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";
import { apiAs, call, caseVersion, submittedCase } from "./setup";

test("the institution is told its application was accepted, opens the notice and the count goes down", async ({ page }) => {
  const itemName = `少儿陶艺${Date.now() % 100000}`;
  const caseId = await submittedCase(itemName);
  const clerk = await apiAs("xian-jbr");
  await call(clerk, "case_action", { input: { id: caseId, version: await caseVersion(clerk, caseId), action: { kind: "accept" } } });
  await clerk.dispose();

  await page.setViewportSize({ width: 768, height: 1024 });
  await signIn(page, "jigou");
  const count = page.getByTestId("inbox-count");
  await expect(count).toBeVisible();
  const before = Number((await count.innerText()).replace(/\D/g, ""));
  expect(before).toBeGreaterThanOrEqual(2);

  await page.getByTestId("inbox-link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("通知");
  const accepted = page.locator(`[data-testid="notice"][data-kind="accepted"][data-case="${caseId}"]`);
  await expect(accepted).toContainText("申请已受理");
  await expect(accepted).toContainText(itemName);
  await expect(accepted).toContainText(/案件编号 CJ-\d{4}-\d{4}/);
  await expect(accepted).toContainText("未读");
  // The receipt of the submission is there too, older.
  await expect(page.locator(`[data-testid="notice"][data-kind="submitted"][data-case="${caseId}"]`)).toContainText("申请已提交");
  await noHorizontalScroll(page);
  await hydrated(page);

  // Opening it leads to the case page and marks it read.
  await accepted.getByTestId("notice-open").click();
  await expect(page).toHaveURL(new RegExp(`/cases/${caseId}$`));
  await expect(page.getByTestId("inbox-count")).toHaveText(String(before - 1) + "条未读");
  await page.goto("/notices");
  await expect(accepted).toHaveAttribute("data-read", "true");
  await expect(accepted).toContainText("已读");

  // Reading all clears the count; the header shows no number.
  await hydrated(page);
  await page.getByTestId("inbox-read-all").click();
  await expect(page.getByTestId("inbox-unread")).toHaveText("未读 0 条");
  await expect(page.getByTestId("inbox-count")).toHaveCount(0);

  // In landscape too, nothing scrolls sideways.
  await page.setViewportSize({ width: 1024, height: 768 });
  await noHorizontalScroll(page);
});

test("a clerk leaves an e-mail address for notices: a wrong one is refused at the field, a right one saved", async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await signIn(page, "xian-fzr");
  await page.goto("/notices");
  await page.getByTestId("contact-link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("通知设置");
  await hydrated(page);
  // This demo server has no mail relay: it says so, and keeps the address for later.
  await expect(page.getByText("本平台尚未配置邮件服务")).toBeVisible();
  await page.getByLabel("电子邮箱").fill("xian-fzr.cjedu");
  await expect(page.locator("#email-error")).toContainText("请输入有效的电子邮箱地址");
  await page.getByLabel("电子邮箱").fill("xian-fzr@cjedu.example.cn");
  await expect(page.locator("#email-error")).toHaveCount(0);
  await page.getByTestId("by-email").check();
  // Bureau staff may take one e-mail a day; quiet hours need both ends; a kind may go by
  // e-mail or not.
  // (Each viewport's run starts from what the one before saved.)
  await page.getByTestId("digest").check();
  await page.getByLabel("结束时间").fill("");
  await page.getByLabel("开始时间").fill("22:00");
  await expect(page.locator("#quiet_to-error")).toContainText("请填写开始和结束时间");
  await page.getByLabel("结束时间").fill("07:00");
  await expect(page.locator("#quiet_to-error")).toHaveCount(0);
  const first = page.locator('[data-testid^="kind-email-"]').first();
  const kind = await first.getAttribute("data-testid");
  const was = await first.isChecked();
  await first.setChecked(!was);
  await page.getByTestId("contact-save").click();
  await expect(page.getByTestId("contact-saved")).toContainText("通知设置已保存");
  await noHorizontalScroll(page);
  // Saved: a fresh page shows it.
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("电子邮箱")).toHaveValue("xian-fzr@cjedu.example.cn");
  await expect(page.getByTestId("by-email")).toBeChecked();
  await expect(page.getByTestId("digest")).toBeChecked();
  await expect(page.getByLabel("开始时间")).toHaveValue("22:00");
  await expect(page.getByLabel("结束时间")).toHaveValue("07:00");
  await expect(page.getByTestId(kind!)).toBeChecked({ checked: !was });
  // In portrait the table of kinds fits too.
  await page.setViewportSize({ width: 768, height: 1024 });
  await noHorizontalScroll(page);
});
