import { expect, Page, test } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";
import { apiAs, call } from "./setup";

// 机构自查: a visitor without an account runs the self-check on a tablet and reads the verdict
// with its reasons; an institution saves one and attaches it to its draft application.

/** Answers every indicator N, then the syllabus indicator S with a note; returns how many. */
async function answerOneContentS(page: Page): Promise<number> {
  const n = page.locator('[data-testid="selfcheck-indicator"] label[data-answer="n"]');
  const count = await n.count();
  expect(count).toBeGreaterThan(10);
  for (let i = 0; i < count; i++) await n.nth(i).click();
  await page.locator('[data-indicator="content.syllabus"] label[data-answer="s"]').click();
  await expect(page.locator("#answers-content-syllabus")).toBeChecked();
  await page.locator("#answers-content-syllabus-note").fill("课程按小学五年级数学教材的章节编排");
  await expect(page.getByTestId("selfcheck-progress")).toContainText(`已回答 ${count} 项`);
  return count;
}

test("a visitor runs the self-check and sees the verdict with its reasons", async ({ page }) => {
  await page.goto("/public/self-check");
  await hydrated(page);
  await expect(page.getByTestId("selfcheck-title")).toContainText("机构自查");
  // The two categories in plain words, the four dimensions, the pre-school rule.
  await expect(page.getByTestId("selfcheck-list-subject")).toContainText("道德与法治、语文、历史、地理、数学、外语（英语、日语、俄语）、物理、化学、生物");
  await expect(page.getByTestId("selfcheck-list-non-subject")).toContainText("综合实践活动");
  await expect(page.getByTestId("selfcheck-side")).toHaveCount(4);
  await expect(page.getByTestId("selfcheck-preschool-rule")).toContainText("不得开展学科类培训");
  await expect(page.getByTestId("selfcheck-disclaimer")).toContainText("以教育行政部门鉴定结论为准");
  await expect(page.getByTestId("selfcheck-sign-in")).toBeVisible();
  await expect(page.getByTestId("selfcheck-save-section")).toHaveCount(0);
  await noHorizontalScroll(page);

  // Asking for the result with nothing answered: the summary names and links each question.
  await page.getByTestId("selfcheck-evaluate").click();
  const summary = page.getByTestId("error-summary");
  await expect(summary).toContainText("请回答“培训目标表述”");
  await expect(summary.locator('a[href="#answers-purpose-objectives"]')).toBeVisible();
  await expect(page.getByTestId("selfcheck-result")).toHaveCount(0);

  await answerOneContentS(page);
  await page.getByTestId("selfcheck-evaluate").click();
  const result = page.getByTestId("selfcheck-result");
  await expect(result).toBeVisible();
  await expect(summary).toHaveCount(0);
  const verdict = result.getByTestId("selfcheck-verdict");
  await expect(verdict).toHaveText("学科类");
  await expect(verdict).toHaveAttribute("data-verdict", "subject");
  // The content dimension is the reason, with the answer, the note and what experts look at.
  const reason = result.getByTestId("selfcheck-reason");
  await expect(reason).toHaveCount(1);
  await expect(reason).toHaveAttribute("data-dimension", "content");
  await expect(reason).toHaveAttribute("data-decisive", "true");
  await expect(reason).toContainText("培训内容");
  await expect(reason).toContainText("课程内容与学科对应");
  await expect(reason).toContainText("课程按小学五年级数学教材的章节编排");
  await expect(reason.getByTestId("selfcheck-evidence")).toContainText("教学大纲");
  await expect(result.locator('[data-testid="selfcheck-dimension"][data-dimension="content"]')).toHaveAttribute("data-result", "S");
  await expect(result.getByTestId("selfcheck-result-disclaimer")).toContainText("以教育行政部门鉴定结论为准");
  await noHorizontalScroll(page);

  // Changing an answer says the result is out of date; asking again updates it.
  await page.locator('[data-indicator="content.syllabus"] label[data-answer="unsure"]').click();
  await expect(result.getByTestId("selfcheck-changed")).toBeVisible();
  await page.getByTestId("selfcheck-evaluate").click();
  await expect(verdict).toHaveText("待定");
  await expect(result.getByTestId("selfcheck-unsure")).toContainText("课程内容与学科对应");
  await expect(result.getByTestId("selfcheck-changed")).toHaveCount(0);
});

test("an institution saves a self-check and attaches it to its application", async ({ page }, info) => {
  const itemName = `自查项目-${info.project.name}-${Date.now() % 100000}`;
  // A draft application (set up over HTTP).
  const inst = await apiAs("jigou");
  const item = {
    name: itemName, declared_category: "non_subject", domain: "arts", stage: "primary",
    grades: [3, 4], delivery: "offline", hours: 48, class_size: 15, fee_fen: 288000,
    description: "以素描和水彩为主的美术兴趣培训，每周一次，注重观察与创作。",
    dispute_reason: "课程包含少量透视与色彩原理讲解，机构不确定是否属于学科类。",
  };
  const draft = await call(inst, "save_draft", { input: { id: null, version: 0, item, undertaking: false } });
  const caseId: number = draft.id;
  await inst.dispose();

  await signIn(page, "jigou");
  await page.getByTestId("nav-selfcheck").click();
  await page.waitForURL(/\/public\/self-check$/);
  await hydrated(page);
  await expect(page.getByTestId("selfcheck-save-section")).toBeVisible();
  await answerOneContentS(page);
  await page.getByTestId("selfcheck-evaluate").click();
  await expect(page.getByTestId("selfcheck-verdict")).toHaveText("学科类");
  // Saving needs the item's name.
  await page.getByTestId("selfcheck-save").click();
  await expect(page.getByTestId("error-summary")).toContainText("请填写培训项目名称");
  await page.locator("#item_name").fill(itemName);
  await page.getByTestId("selfcheck-save").click();
  await expect(page.getByTestId("selfcheck-saved")).toContainText(itemName);
  await expect(page.getByTestId("selfcheck-mine").getByTestId("selfcheck-mine-item").filter({ hasText: itemName })).toContainText("未附于申请");
  await noHorizontalScroll(page);

  // The draft's page: choose the saved self-check and attach it.
  await page.goto(`/cases/${caseId}`);
  await hydrated(page);
  const section = page.getByTestId("case-selfcheck");
  await expect(section).toContainText("机构自查（仅供参考，不计入评分）");
  await expect(section.getByTestId("case-selfcheck-none")).toBeVisible();
  const choice = section.getByTestId("attach-selfcheck-choice");
  const value = await choice.locator("option", { hasText: itemName }).first().getAttribute("value");
  await choice.selectOption(value!);
  await section.getByTestId("attach-selfcheck").click();
  await expect(page.getByTestId("action-done")).toContainText("附上自查结果");
  await expect(section.getByTestId("case-selfcheck-attached")).toContainText(itemName);
  await expect(section.getByTestId("case-selfcheck-verdict")).toHaveText("学科类");
  await expect(section.locator('[data-testid="case-selfcheck-answer"][data-indicator="content.syllabus"]')).toContainText("符合学科类特征");
  await expect(section.locator('[data-testid="case-selfcheck-answer"][data-indicator="content.syllabus"]')).toContainText("课程按小学五年级数学教材的章节编排");
  await noHorizontalScroll(page);

  // Back on the self-check page, the saved one says where it is attached.
  await page.goto("/public/self-check");
  await hydrated(page);
  await expect(page.getByTestId("selfcheck-mine-item").filter({ hasText: itemName })).toContainText(`已附于申请：${itemName}`);
});
