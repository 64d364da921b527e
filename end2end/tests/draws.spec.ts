import { expect, Page, test } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";
import { acceptedCase, EXPERT_ACCOUNTS } from "./setup";

async function switchTo(page: Page, username: string) {
  await page.context().clearCookies();
  await signIn(page, username);
}

/** The expert is told of the invitation in the inbox (the header shows the unread count), opens
 * the notice, which leads to their home, and opens the invitation there. */
async function openInvitation(page: Page, expertId: string, caseId: number) {
  await switchTo(page, EXPERT_ACCOUNTS[expertId]);
  await expect(page.getByTestId("inbox-count")).toBeVisible();
  await page.getByTestId("inbox-link").click();
  const notice = page.locator(`[data-testid="notice"][data-kind="invitation"][data-case="${caseId}"]`);
  await expect(notice).toHaveAttribute("data-read", "false");
  await expect(notice).toContainText("鉴定邀请");
  await expect(notice).toContainText(/请在 \d{4}-\d{2}-\d{2} 前登录答复/);
  await hydrated(page);
  await notice.getByTestId("notice-open").click();
  await expect(page).toHaveURL(/\/expert$/);
  const card = page.locator(`[data-testid="invitations"] li[data-case="${caseId}"]`);
  await expect(card).toHaveAttribute("data-status", "invited");
  await expect(card).toContainText("请于");
  await card.getByRole("link").click();
  await expect(page.getByTestId("invitation")).toBeVisible();
  await hydrated(page);
}

async function activeSeats(page: Page) {
  const rows = page.locator('[data-testid="panel-table"] tbody tr[data-status="invited"], [data-testid="panel-table"] tbody tr[data-status="accepted"]');
  const n = await rows.count();
  const out: { expert: string; role: string; status: string }[] = [];
  for (let i = 0; i < n; i++) {
    const r = rows.nth(i);
    out.push({
      expert: (await r.getAttribute("data-expert")) ?? "",
      role: (await r.getAttribute("data-role")) ?? "",
      status: (await r.getAttribute("data-status")) ?? "",
    });
  }
  return out;
}

test("a clerk draws a panel, sees the exclusions, a backup replaces a declining expert, all accept", async ({ page }) => {
  const itemName = `少儿水彩${Date.now() % 100000}`;
  const caseId = await acceptedCase(itemName);

  // The clerk finds the case waiting for a draw and opens the draw page.
  await signIn(page, "xian-jbr");
  await page.getByTestId("awaiting-draw").getByRole("link", { name: new RegExp(itemName) }).click();
  await expect(page.getByTestId("draw-title")).toContainText(itemName);
  await hydrated(page);
  // Every excluded expert is listed with the reason.
  const exclusions = page.getByTestId("exclusions");
  await expect(exclusions).toContainText("专家状态非正常");
  await expect(exclusions).toContainText("聘期已届满");
  await expect(exclusions).toContainText("本人现在或近三年内在申请机构任职、兼职");
  await expect(page.getByTestId("eligible").locator("tbody tr")).toHaveCount(6);
  await noHorizontalScroll(page);

  await page.getByTestId("run-draw").click();
  await expect(page.getByTestId("draw-done")).toBeVisible();
  await expect(page.getByTestId("draw-record")).toHaveCount(1);
  const seats = await activeSeats(page);
  expect(seats).toHaveLength(3);
  expect(seats.every((s) => s.status === "invited")).toBe(true);
  // The record re-runs to the same panel.
  await page.getByTestId("verify-draws").click();
  await expect(page.getByTestId("verify-result")).toContainText("一致");

  // The institution sees that a panel was drawn, without names.
  await switchTo(page, "jigou");
  await page.goto(`/cases/${caseId}`);
  await expect(page.getByTestId("panel-table")).toContainText("鉴定结论作出前不公开");

  // A member (not the subject or legal seat) declines: the first backup takes the seat.
  const member = seats.find((s) => s.role === "member")!;
  await openInvitation(page, member.expert, caseId);
  await page.locator("#decline-reason").fill("当周在外地参加培训");
  await page.getByTestId("decline-seat").click();
  await expect(page.getByTestId("invitation")).toHaveCount(0);

  await switchTo(page, "xian-jbr");
  await page.goto(`/cases/${caseId}/draw`);
  await hydrated(page);
  const after = await activeSeats(page);
  expect(after).toHaveLength(3);
  expect(after.map((s) => s.expert)).not.toContain(member.expert);
  await expect(page.locator(`[data-testid="panel-table"] tr[data-expert="${member.expert}"]`)).toHaveAttribute("data-status", "declined");
  await expect(page.getByTestId("draw-record")).toContainText("递补记录");

  // Every member accepts with the signed declaration; accepting unsigned is refused first.
  let first = true;
  for (const s of after) {
    await openInvitation(page, s.expert, caseId);
    if (first) {
      await page.getByTestId("accept-seat").click();
      await expect(page.getByTestId("error-summary")).toContainText("回避声明");
      first = false;
    }
    await page.locator("#declaration").check();
    await page.getByTestId("accept-seat").click();
    await expect(page.getByTestId("invitation")).toHaveCount(0);
  }

  // The panel is complete: the case is under review.
  await switchTo(page, "xian-jbr");
  await page.goto(`/cases/${caseId}`);
  await expect(page.locator('[data-testid="case-state"] [data-state="under_review"]')).toBeVisible();
  await noHorizontalScroll(page);
});
