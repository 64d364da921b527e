import { expect, test, Browser, Page } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";
import { apiAs, call, caseVersion, sealedOpinion, seatPanel, underReview } from "./setup";

// Re-review (复审): the institution applies with new evidence, the county director forwards it,
// the prefecture runs a panel of five without the first round's experts, seals and determines;
// the institution then reads both opinions side by side.

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, username);
  return page;
}

function pdf(tag: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, "latin1");
}

test("a re-review from the application to the prefecture's determination", async ({ browser }, info) => {
  test.skip(info.project.name !== "tablet-landscape", "one run of the whole journey");
  test.setTimeout(240_000);
  // The first round, over HTTP: three county experts, sealed and determined.
  const { caseId, experts } = await underReview("复审全流程");
  await sealedOpinion(caseId, experts, "xian-fzr");
  const director = await apiAs("xian-fzr");
  await call(director, "case_action", {
    input: { id: caseId, version: await caseVersion(director, caseId), action: { kind: "determine", category: "non_subject", reasons: "依据专家组鉴定意见作出结论。" } },
  });
  await director.dispose();
  const url = `/cases/${caseId}`;

  // The institution applies: an empty form is answered with the error summary, then the
  // complete application with new evidence is filed.
  const inst = await as(browser, "jigou");
  await inst.goto(url);
  await hydrated(inst);
  const form = inst.getByTestId("rereview-form");
  await expect(form).toBeVisible();
  await form.getByTestId("submit-rereview").click();
  await expect(inst.getByTestId("error-summary")).toContainText("请勾选承诺");
  await inst.locator("#grounds").fill("专家组未查看第二学期的课程方案，结论所依据的材料不完整。");
  await inst.locator("#request").fill("请求州教育局复审并维持非学科类认定");
  await inst.getByTestId("file-rereview_evidence").setInputFiles({ name: "第二学期课程方案.pdf", mimeType: "application/pdf", buffer: pdf("evidence") });
  await expect(form.locator(".file-list")).toContainText("第二学期课程方案.pdf");
  await inst.locator("#undertaking").check();
  await form.getByTestId("submit-rereview").click();
  await expect(inst.getByTestId("case-state")).toContainText("已申请复审");
  await expect(inst.getByTestId("rereview-application")).toContainText("第二学期课程方案.pdf");
  await expect(inst.getByTestId("rereview-decision")).toContainText("待县级教育局决定");
  await noHorizontalScroll(inst);

  // The county director forwards it; the prefecture case opens.
  const county = await as(browser, "xian-fzr");
  await county.goto(url);
  await hydrated(county);
  await expect(county.getByTestId("rereview-grounds")).toContainText("第二学期");
  await county.locator("#decision").fill("申请人提交了新证据，同意转报州教育局复审。");
  await county.getByTestId("forward-rereview").click();
  await expect(county.getByTestId("case-state")).toContainText("已转报州级复审");
  await expect(county.getByTestId("rereview-receipt")).toBeVisible();
  const childHref = await county.getByTestId("child-link").getAttribute("href");
  const child = Number(childHref!.split("/").pop());
  await county.context().close();

  // The prefecture: a panel of five without the first round's experts, their sheets, opinion,
  // signatures and the prefecture's seal (over HTTP).
  const second = await seatPanel(child, "zhou-jbr", 5);
  expect(second.filter((e) => experts.includes(e))).toEqual([]);
  await sealedOpinion(child, second, "zhou-fzr");

  // The prefecture director finds the case on the work list and determines on the opinion page.
  const pref = await as(browser, "zhou-fzr");
  await expect(pref.getByTestId("my-work")).toContainText("复审全流程");
  await pref.goto(`/cases/${child}/opinion`);
  await hydrated(pref);
  await pref.locator("#decide-reasons").fill("依据州级专家组鉴定意见作出复审结论。");
  await pref.getByTestId("determine").click();
  await expect(pref.getByTestId("determination-notice")).toBeVisible();
  await pref.context().close();

  // The institution: both cases final, both opinions side by side.
  await inst.goto(url);
  await hydrated(inst);
  await expect(inst.getByTestId("case-state")).toContainText("结论已生效");
  const rounds = inst.getByTestId("round");
  await expect(rounds).toHaveCount(2);
  await expect(rounds.nth(0)).toHaveAttribute("data-level", "county");
  await expect(rounds.nth(1)).toHaveAttribute("data-level", "prefecture");
  await expect(rounds.nth(1)).toContainText("昌吉州教育局");
  await expect(rounds.nth(1).getByTestId("round-conclusion")).toContainText("非学科类");
  await noHorizontalScroll(inst);
  await inst.context().close();
});
