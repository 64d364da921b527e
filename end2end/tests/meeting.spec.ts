import { expect, test, Browser, Page } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";
import { expertAccount, underReview } from "./setup";

// 鉴定会与政策培训: the clerk schedules the identification meeting on a tablet; each member sees it
// on their home, reads the briefing and confirms it; the sheet cannot be submitted before.

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: test.info().project.use.viewport ?? undefined, hasTouch: true });
  const page = await ctx.newPage();
  await signIn(page, username);
  return page;
}

test("a clerk schedules the meeting and the members confirm the briefing", async ({ browser }) => {
  const { caseId, experts } = await underReview(`鉴定会测试${Date.now() % 100000}`);

  // The clerk: from the case page to the meeting page; a bad time is named in the summary.
  const clerk = await as(browser, "xian-jbr");
  await clerk.goto(`/cases/${caseId}`);
  await hydrated(clerk);
  await clerk.getByTestId("open-meeting").click();
  await expect(clerk.getByTestId("meeting-title")).toHaveText("鉴定会与政策培训");
  await hydrated(clerk);
  await expect(clerk.getByTestId("meeting-none")).toBeVisible();
  await noHorizontalScroll(clerk);
  await clerk.getByTestId("meeting-save").tap();
  await expect(clerk.getByTestId("error-summary")).toBeVisible();
  await expect(clerk.getByTestId("error-summary").locator("a")).toHaveCount(3);
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await clerk.getByTestId("meeting-starts").fill(`${tomorrow}T09:30`);
  await clerk.getByTestId("meeting-place-input").fill("昌吉市教育局三楼会议室");
  await clerk.getByTestId("meeting-agenda").fill("政策培训；审阅申报材料；合议");
  await clerk.getByTestId("meeting-save").tap();
  await expect(clerk.getByTestId("meeting-time")).toHaveText(`${tomorrow} 09:30`);
  await expect(clerk.getByTestId("meeting-place")).toContainText("昌吉市教育局三楼会议室");
  await expect(clerk.getByTestId("briefing-member")).toHaveCount(experts.length);
  await expect(clerk.locator('[data-testid="briefing-member"][data-confirmed="true"]')).toHaveCount(0);

  // A member: the meeting on the home page, the briefing still to read.
  const member = await as(browser, expertAccount(experts[0]));
  const card = member.locator(`[data-testid="invitations"] li[data-case="${caseId}"]`);
  await expect(card.getByTestId("home-meeting")).toContainText(`${tomorrow} 09:30 · 昌吉市教育局三楼会议室`);
  // The sheet cannot be submitted yet: the page says why and links to the briefing.
  await member.goto(`/cases/${caseId}/sheet`);
  await hydrated(member);
  await expect(member.getByTestId("sheet-briefing-required")).toBeVisible();
  await expect(member.getByTestId("submit-sheet-button")).toBeDisabled();
  await member.getByTestId("sheet-briefing-link").click();
  await expect(member.getByTestId("briefing")).toBeVisible();
  await hydrated(member);
  // The rubric's basis documents: the three notices, the curriculum plan and the 综合实践活动
  // guidance that guide 三 names.
  await expect(member.getByTestId("briefing-doc")).toHaveCount(5);
  await expect(member.getByTestId("briefing")).toContainText("教监管厅函〔2021〕16号");
  await expect(member.getByTestId("briefing")).toContainText("综合实践活动课程指导纲要");
  await expect(member.getByTestId("briefing-rule")).toContainText("学科类");
  await noHorizontalScroll(member);
  // Confirming needs the tick; then it is recorded.
  await member.getByTestId("briefing-confirm").tap();
  await expect(member.getByTestId("error-summary")).toContainText("我已阅读并理解");
  await member.getByTestId("briefing-read").check();
  await member.getByTestId("briefing-confirm").tap();
  await expect(member.getByTestId("briefing-done")).toContainText("确认完成政策培训");
  await member.goto(`/cases/${caseId}/sheet`);
  await hydrated(member);
  await expect(member.getByTestId("sheet-briefing-required")).toHaveCount(0);
  await expect(member.getByTestId("submit-sheet-button")).toBeEnabled();

  // The clerk sees who confirmed.
  await clerk.reload();
  await expect(clerk.locator('[data-testid="briefing-member"][data-confirmed="true"]')).toHaveCount(1);
  await expect(clerk.locator(`[data-testid="briefing-member"][data-expert="${experts[0]}"]`)).toContainText("已确认培训");
});
