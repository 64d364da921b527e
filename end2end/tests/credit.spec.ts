import { expect, test, Browser, Page } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";
import { acceptedCase, apiAs, call, caseVersion, sealedOpinion, underReview } from "./setup";

// 专家考评 and 信用记录: the clerk rates the panel after the determination and the expert's page
// shows the average; a director terminates a case with the institution's credit record and
// files an expert's record, which suspends or removes the expert.

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, username);
  return page;
}

test("the clerk rates the panel; the expert's page shows the average", async ({ browser }, info) => {
  test.skip(info.project.name !== "tablet-landscape", "one run of the journey");
  test.setTimeout(180_000);
  const { caseId, experts } = await underReview("考评流程");
  await sealedOpinion(caseId, experts, "xian-fzr");
  const director = await apiAs("xian-fzr");
  await call(director, "case_action", {
    input: { id: caseId, version: await caseVersion(director, caseId), action: { kind: "determine", category: "non_subject", reasons: "依据专家组鉴定意见作出结论。" } },
  });
  await director.dispose();

  const clerk = await as(browser, "xian-jbr");
  await clerk.goto(`/cases/${caseId}`);
  await hydrated(clerk);
  const section = clerk.getByTestId("ratings-section");
  await expect(section).toBeVisible();
  await expect(section.getByTestId("rating-row")).toHaveCount(3);
  // A score out of range: the error summary links to the field, nothing is saved.
  await section.getByTestId("rate-score").fill("120");
  await section.getByTestId("rate-submit").click();
  await expect(section.getByTestId("error-summary")).toContainText("0 至 100");
  await expect(section.getByTestId("error-summary").locator('a[href="#score"]')).toBeVisible();
  const rated = await section.getByTestId("rate-expert").locator("option").first().textContent();
  await section.getByTestId("rate-score").fill("88");
  await section.getByTestId("rate-comment").fill("按时参加全部鉴定活动，评分依据充分。");
  await section.getByTestId("rate-submit").click();
  await expect(section.getByTestId("rating-row").filter({ hasText: rated! })).toContainText("88");
  await expect(section.getByTestId("rate-expert").locator("option")).toHaveCount(2);
  await noHorizontalScroll(clerk);

  const zhou = await as(browser, "zhou-jbr");
  await zhou.goto(`/experts/${experts[0]}`);
  await hydrated(zhou);
  await expect(zhou.getByTestId("expert-ratings")).toBeVisible();
  await expect(zhou.getByTestId("rating-average")).toContainText(/平均 \d+(\.\d)? 分|尚无考评记录/);
});

test("credit records: a case terminated, an expert removed", async ({ browser }, info) => {
  const caseId = await acceptedCase(`信用记录-${info.project.name}`);
  const director = await as(browser, "xian-fzr");
  await director.goto(`/cases/${caseId}`);
  await hydrated(director);
  const section = director.getByTestId("credit-institution");
  await expect(section).toBeVisible();
  await section.getByTestId("credit-kind").selectOption("false_material");
  await section.getByTestId("credit-reason").fill("太短");
  await section.getByTestId("credit-submit").click();
  await expect(section.getByTestId("error-summary")).toBeVisible();
  await expect(director.getByTestId("case-state")).not.toContainText("已终止");
  await section.getByTestId("credit-reason").fill("提交的教师资格证书经核查系伪造。");
  await section.getByTestId("credit-submit").click();
  await expect(director.getByTestId("case-state")).toContainText("终止");
  await expect(director.getByTestId("credit-record").first()).toContainText("提供虚假材料");
  await noHorizontalScroll(director);

  // An expert already suspended in the demo pool (张志强), removed with a record (once): the
  // draws of the other tests keep their experts.
  if (info.project.name !== "tablet-landscape") return;
  const pd = await as(browser, "zhou-fzr");
  await pd.goto("/experts/7");
  await hydrated(pd);
  const ex = pd.getByTestId("credit-expert");
  await ex.getByTestId("credit-kind").selectOption("leak");
  await ex.getByTestId("credit-measure-remove").check();
  await ex.getByTestId("credit-reason").fill("向培训机构透露鉴定专家组名单。");
  await ex.getByTestId("credit-submit").click();
  await expect(ex.getByTestId("credit-record").first()).toContainText("泄露鉴定信息");
  await expect(ex.getByTestId("credit-record").first()).toContainText("从专家库除名");
  await noHorizontalScroll(pd);
});
