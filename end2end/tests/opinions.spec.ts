import { expect, test, Browser, Page } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";
import { DEMO_PASSWORD, hydrated, noHorizontalScroll, signIn } from "./helpers";
import { apiAs, EXPERT_ACCOUNTS, submitSheets, underReview, waiveMeeting } from "./setup";

// The opinion: the lead drafts it, three experts sign, the director seals and determines, the
// institution downloads the PDF, and the public verification page confirms it and rejects a
// modified copy.

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, username);
  return page;
}

test("three experts sign, the director seals and determines, the PDF verifies", async ({ browser }, info) => {
  test.skip(info.project.name !== "tablet-landscape", "one run of the whole journey");
  test.setTimeout(180_000);
  const { caseId, experts } = await underReview("意见书全流程");
  await submitSheets(caseId, experts);
  await waiveMeeting(caseId, "xian-fzr");
  let lead = "";
  for (const e of experts) {
    const ctx = await apiAs(EXPERT_ACCOUNTS[e]);
    const v = await (await ctx.post("/api/opinion_page", { form: { case_id: String(caseId) } })).json();
    if (v.can_draft) lead = e;
    await ctx.dispose();
  }
  expect(lead).not.toBe("");
  const url = `/cases/${caseId}/opinion`;

  // The lead submits the pre-filled draft.
  const leadPage = await as(browser, EXPERT_ACCOUNTS[lead]);
  await leadPage.goto(url);
  await hydrated(leadPage);
  await expect(leadPage.locator("#opinion-reasons")).not.toHaveValue("");
  await leadPage.getByTestId("save-opinion").click();
  await expect(leadPage.getByTestId("opinion-done")).toBeVisible();
  await expect(leadPage.getByTestId("opinion-conclusion")).toContainText("非学科类");
  await leadPage.context().close();

  // Each member signs with the password again.
  for (const e of experts) {
    const p = await as(browser, EXPERT_ACCOUNTS[e]);
    await p.goto(url);
    await hydrated(p);
    await expect(p.getByTestId("opinion-document")).toBeVisible();
    await p.locator("#opinion-password").fill(DEMO_PASSWORD);
    await p.getByTestId("sign-opinion").click();
    await expect(p.getByTestId("i-signed")).toBeVisible();
    await p.context().close();
  }

  // The director seals, then determines.
  const director = await as(browser, "xian-fzr");
  await director.goto(url);
  await hydrated(director);
  await expect(director.getByTestId("signatures").locator('tr[data-signed="true"]')).toHaveCount(3);
  await director.locator("#opinion-password").fill(DEMO_PASSWORD);
  await director.getByTestId("seal-opinion").click();
  await expect(director.getByTestId("seal")).toBeVisible();
  const code = (await director.getByTestId("verify-code").innerText()).trim();
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await director.locator("#decide-reasons").fill("依据专家组鉴定意见作出结论。");
  await director.getByTestId("determine").click();
  await expect(director.getByTestId("determination-notice")).toBeVisible();
  await director.context().close();

  // The institution reads the notice and downloads the PDF.
  const inst = await as(browser, "jigou");
  await inst.goto(url);
  await hydrated(inst);
  await expect(inst.getByTestId("rereview-right")).toBeVisible();
  const [download] = await Promise.all([inst.waitForEvent("download"), inst.getByTestId("download-pdf").click()]);
  const file = path.join(info.outputDir, "opinion.pdf");
  await download.saveAs(file);
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(bytes.length).toBeLessThan(1024 * 1024);
  await inst.context().close();

  // Anyone verifies: by the code (as the QR code's link does), by the PDF, and a changed copy fails.
  const anon = await (await browser.newContext()).newPage();
  await anon.goto(`/verify?code=${code}`);
  await hydrated(anon);
  await expect(anon.getByTestId("verify-result")).toHaveAttribute("data-authentic", "true");
  await noHorizontalScroll(anon);
  await anon.getByTestId("verify-file").setInputFiles(file);
  await expect(anon.getByTestId("pdf-matches")).toBeVisible();
  const changed = Buffer.from(bytes);
  changed[Math.floor(changed.length / 2)] ^= 0x20;
  const changedFile = path.join(info.outputDir, "changed.pdf");
  fs.writeFileSync(changedFile, changed);
  await anon.getByTestId("verify-file").setInputFiles(changedFile);
  await expect(anon.getByTestId("verify-result")).toHaveAttribute("data-authentic", "false");
  await anon.context().close();
});

test("the verification page fits a portrait tablet and says when a code is unknown", async ({ page }) => {
  await page.goto("/verify");
  await hydrated(page);
  await page.locator("#verify-code").fill("ZZZZ-ZZZZ-ZZZZ");
  await page.getByTestId("verify-submit").click();
  await expect(page.getByTestId("verify-result")).toHaveAttribute("data-authentic", "false");
  await noHorizontalScroll(page);
});
