import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, noHorizontalScroll, signIn } from "./helpers";
import { firstLoad, withinBudget } from "./budget";
import { apiAs, confirmBriefing, EXPERT_ACCOUNTS, underReview } from "./setup";

// Both tablet projects: portrait 768×1024 and landscape 1024×768, with touch.

test("an expert scores on a tablet, keeps working offline, and the server gets the latest sheet once", async ({ page, context, browser }) => {
  const { caseId, experts } = await underReview(`少儿版画${Date.now() % 100000}`);
  const username = EXPERT_ACCOUNTS[experts[0]];
  // What a tablet with nothing cached fetches before the sheet is interactive (budget.ts).
  withinBudget("sheet", await firstLoad(browser, `/cases/${caseId}/sheet`, username));
  // The policy briefing was confirmed beforehand (meeting.spec.ts walks through it).
  const briefed = await apiAs(username);
  await confirmBriefing(briefed, caseId);
  await briefed.dispose();
  await signIn(page, username);
  await page.goto(`/cases/${caseId}`);
  await page.getByTestId("open-sheet").click();
  await expect(page.getByTestId("sheet-title")).toBeVisible();
  await hydrated(page);
  await noHorizontalScroll(page);
  // 200 % zoom on a portrait tablet is 384 CSS pixels wide: still no horizontal scrolling.
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 384, height: 512 });
  await noHorizontalScroll(page);
  await page.setViewportSize(size);

  const indicators = page.locator("fieldset.indicator");
  const n = await indicators.count();
  expect(n).toBeGreaterThan(10);

  // Rate the first indicator N: the evidence errors appear at once, and clear as evidence is given.
  const first = indicators.nth(0);
  await first.locator('label[data-rating="N"]').tap();
  await expect(first.locator(".error-message").first()).toBeVisible();
  await first.locator("textarea").fill("课程方案以兴趣培养为主");
  await first.locator('.refs input[type="checkbox"]').first().check();
  await expect(first.locator(".error-message")).toHaveCount(0);

  // Rate every other indicator N with evidence.
  for (let i = 1; i < n; i++) {
    const ind = indicators.nth(i);
    await ind.locator('label[data-rating="N"]').tap();
    await ind.locator("textarea").fill("材料与课堂观摩均显示非学科特征");
    await ind.locator('.refs input[type="checkbox"]').first().check();
  }
  await expect(page.getByTestId("sheet-verdict")).toHaveAttribute("data-verdict", "NonSubject");
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "saved", { timeout: 15_000 });

  // The connection drops: the sheet keeps working and says where the work is.
  await context.setOffline(true);
  await indicators.nth(0).locator('label[data-rating="U"]').tap();
  await page.locator("#sheet-remarks").fill("离线时补充的总体意见");
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "on_device", { timeout: 10_000 });
  await expect(page.getByTestId("save-state")).toContainText("已保存在本设备，尚未发送");

  // Reload without a connection: the page and the draft come from the device.
  await page.reload();
  await hydrated(page);
  await expect(page.locator("#sheet-remarks")).toHaveValue("离线时补充的总体意见");
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "on_device");

  // Back online: sent once, and the state says so.
  await context.setOffline(false);
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "saved", { timeout: 20_000 });

  const api = await apiAs(username);
  const r = await api.post("/api/my_sheet", { form: { case_id: String(caseId) } });
  const sheet = await r.json();
  expect(sheet.sheet.remarks).toBe("离线时补充的总体意见");
  const firstId = await indicators.nth(0).getAttribute("data-indicator");
  expect(sheet.sheet.ratings[firstId!].rating).toBe("U");
  // Every version is distinct and the latest one is the device's sheet: nothing was stored twice.
  const versions: number[] = sheet.history.map((h: any) => h.version);
  expect(new Set(versions).size).toBe(versions.length);
  expect(versions[versions.length - 1]).toBe(sheet.version);
  const before = sheet.version;
  // A later resend of the same draft (e.g. another reload) changes nothing.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "saved");
  const again = await (await api.post("/api/my_sheet", { form: { case_id: String(caseId) } })).json();
  expect(again.version).toBe(before);

  // Submit with the password again: the sheet becomes read-only.
  await page.locator("#sheet-password").fill(DEMO_PASSWORD);
  await page.getByTestId("submit-sheet-button").tap();
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-state", "submitted", { timeout: 10_000 });
  await expect(indicators.nth(1).locator('input[type="radio"]').first()).toBeDisabled();
  await api.dispose();
});
