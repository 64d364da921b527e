import { expect, Page, test } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";

test.use({ viewport: { width: 768, height: 1024 }, hasTouch: true });

function pdf(tag: string, padTo = 0): Buffer {
  let s = `%PDF-1.4\n% ${tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`;
  if (padTo > s.length) s += " ".repeat(padTo - s.length);
  return Buffer.from(s, "latin1");
}

function png(): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
}

/** Records whether an upload progress bar appeared and the highest value it showed. */
async function watchProgress(page: Page) {
  await page.evaluate(() => {
    (window as any).__progressSeen = [];
    new MutationObserver(() => {
      document.querySelectorAll('[data-testid="upload-progress"]').forEach((el) => {
        (window as any).__progressSeen.push(Number(el.getAttribute("aria-valuenow")));
      });
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-valuenow"] });
  });
}

async function upload(page: Page, kind: string, name: string, buffer: Buffer, mimeType = "application/pdf") {
  const slot = page.locator(`.material-slot[data-kind="${kind}"]`);
  const before = await slot.locator(".file-list li").count();
  await page.getByTestId(`file-${kind}`).setInputFiles({ name, mimeType, buffer });
  await expect(slot.locator(".file-list li")).toHaveCount(before + 1);
}

test("an application from draft to acceptance, with a return and a replaced file", async ({ page, browser }) => {
  const itemName = `少儿创意美术${Date.now() % 100000}`;
  // The institution drafts an application.
  await signIn(page, "jigou");
  await expect(page.getByTestId("home-institution")).toBeVisible();
  await hydrated(page);
  await expect(page.getByTestId("case-table").or(page.locator(".panel--empty"))).toBeVisible();
  await page.getByTestId("new-application").click();
  await page.waitForURL(/\/cases\/new/);
  await hydrated(page);
  await page.getByLabel("项目名称").fill(itemName);
  // Live checks show as soon as the user tries to submit.
  await page.getByTestId("submit-application").click();
  await expect(page.getByTestId("error-summary")).toBeVisible();
  await page.locator("#item-domain").selectOption("arts");
  await page.getByLabel("3 年级").check();
  await page.getByLabel("4 年级").check();
  await page.getByLabel("总课时").fill("48");
  await page.getByLabel("班额（人）").fill("15");
  await page.getByLabel("收费（元）").fill("2880");
  await page.getByLabel("项目简介").fill("以观察、想象和动手创作为主的美术兴趣课程，每周一次，每次 90 分钟。");
  await page.getByLabel("申请鉴定的原因").fill("课程含少量色彩原理讲解，机构不确定是否属于学科类。");
  await expect(page.getByTestId("missing")).not.toContainText("培训项目信息有");
  await page.getByTestId("save-draft").click();
  await page.waitForURL(/\/cases\/\d+\/edit/);
  await hydrated(page);
  const caseUrl = page.url().replace(/\/edit$/, "");
  await noHorizontalScroll(page);

  // Uploads, watching the progress bar.
  await watchProgress(page);
  await upload(page, "course_plan", "培训课程方案.pdf", pdf("course plan", 4 * 1024 * 1024));
  const seen: number[] = await page.evaluate(() => (window as any).__progressSeen);
  expect(seen.length).toBeGreaterThan(0);
  await upload(page, "syllabus", "教学大纲.pdf", pdf("syllabus"));
  await upload(page, "lesson_plan", "课时教案.pdf", pdf("lesson plan v1"));
  await upload(page, "evaluation_plan", "评价方案.pdf", pdf("evaluation"));
  await upload(page, "promotional", "招生简章.png", png(), "image/png");
  // A renamed executable is refused with a clear message.
  await page.getByTestId("file-other").setInputFiles({ name: "说明.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1") });
  await expect(page.locator('.material-slot[data-kind="other"] .error-message')).toContainText("无法识别");
  await expect(page.getByTestId("missing")).toContainText("签署真实性承诺");
  await page.getByLabel("我已阅读并同意以上承诺").check();
  await expect(page.getByTestId("missing")).toContainText("可以提交");
  await page.getByTestId("submit-application").click();
  await expect(page.getByTestId("submitted-notice")).toBeVisible();
  await expect(page.getByTestId("case-state")).toHaveText("已提交");

  // The county clerk returns it with deficiencies.
  const county = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const cp = await county.newPage();
  await signIn(cp, "xian-jbr");
  await expect(cp.getByTestId("case-table")).toContainText(itemName);
  await cp.getByRole("link", { name: itemName }).click();
  await cp.waitForURL(/\/cases\/\d+$/);
  await hydrated(cp);
  await cp.getByLabel("需补正的内容").fill("课时教案只有第 1 课时，请补充全部课时\n招生简章图片不清晰");
  await cp.locator('[data-action="return"]').click();
  await expect(cp.getByTestId("case-state")).toHaveText("退回补正");

  // The institution replaces the lesson plan and resubmits with a reply.
  await page.goto(caseUrl);
  await hydrated(page);
  await expect(page.getByTestId("deficiencies")).toContainText("课时教案只有第 1 课时");
  await page.getByTestId("edit-case").click();
  await hydrated(page);
  const lessonSlot = page.locator('.material-slot[data-kind="lesson_plan"]');
  await lessonSlot.locator('input[type="file"]').first().setInputFiles({ name: "课时教案（全部课时）.pdf", mimeType: "application/pdf", buffer: pdf("lesson plan v2") });
  await expect(lessonSlot).toContainText("课时教案（全部课时）.pdf");
  await expect(lessonSlot).toContainText("历史版本");
  await page.getByLabel("补正说明").fill("已补充第 2—16 课时教案，并重新上传清晰的招生简章。");
  await page.getByTestId("submit-application").click();
  await expect(page.getByTestId("case-state")).toHaveText("已提交");

  // The county accepts: a case number and the next time limit.
  await cp.reload();
  await hydrated(cp);
  await cp.locator('[data-action="accept"]').click();
  await expect(cp.getByTestId("case-state")).toHaveText("已受理");

  // The institution sees the whole timeline.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("case-state")).toHaveText("已受理");
  const timeline = page.getByTestId("timeline");
  await expect(timeline.locator("li.timeline__item")).toHaveCount(5);
  await expect(timeline).toContainText("退回补正");
  await expect(timeline).toContainText("招生简章图片不清晰");
  await expect(timeline).toContainText("已补充第 2—16 课时教案");
  await expect(timeline).toContainText("受理");
  await expect(page.locator(".caption")).toContainText(/CJ-\d{4}-\d{4}/);
  await noHorizontalScroll(page);

  // Another institution can open neither the case nor a file by URL.
  const fileHref = await page.getByTestId("case-materials").getByRole("link", { name: "下载" }).first().getAttribute("href");
  const other = await browser.newContext();
  const op = await other.newPage();
  await signIn(op, "jigou2");
  await expect(op.getByTestId("home-institution")).toBeVisible();
  const res = await op.goto(caseUrl);
  expect(res?.status()).toBe(404);
  await expect(op.getByTestId("case-error")).toContainText("未找到");
  const fileRes = await op.request.get(fileHref!);
  expect(fileRes.status()).toBe(404);
  await other.close();
  await county.close();
});
