import { expect, test, Browser, Page } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, noHorizontalScroll, signIn } from "./helpers";
import { apiAs, call, confirmBriefing, expertAccount, requiredIndicators, submittedCase, underReview, waiveMeeting } from "./setup";

// Verdicts other than 非学科类: a panel finds 学科类 because a member ticks a negative-list item on
// the tablet, the member who disagrees signs with a dissent, and the institution reads both; a
// 学前 item found 学科类 is prohibited, on the case page and in the registry.

async function as(browser: Browser, username: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, username);
  return page;
}

/** Saves (and, when `submit`, submits) a sheet of `rating` on every required indicator. */
async function sheetOver(caseId: number, expert: string, rating: "S" | "N", submit: boolean) {
  const ctx = await apiAs(expertAccount(expert));
  const page = await (await ctx.post("/api/my_sheet", { form: { case_id: String(caseId) } })).json();
  const material = page.refs.find((r: any) => r.kind === "material").id;
  const ratings: Record<string, unknown> = {};
  for (const id of requiredIndicators()) {
    ratings[id] = {
      rating,
      evidence: rating === "S" ? "教案按学科教材章节讲授并布置练习题" : "课程方案显示以兴趣培养为主",
      refs: [{ kind: "material", id: material }],
    };
  }
  await confirmBriefing(ctx, caseId);
  await call(ctx, "save_sheet", {
    input: {
      case_id: caseId, base_version: page.version ?? 0, sheet: { ...page.sheet, ratings, negative_list_hits: [], remarks: "" },
      save_id: `verdict-${caseId}-${expert}-${submit}`, submit, password: DEMO_PASSWORD,
    },
  });
  await ctx.dispose();
}

test("a negative-list hit and a dissent: the panel finds 学科类 and the institution reads both", async ({ browser }, info) => {
  test.skip(info.project.name !== "tablet-landscape", "one run of the whole journey");
  test.setTimeout(240_000);
  const { caseId, experts } = await underReview(`学科类结论-${Date.now() % 100000}`);
  const [hitter, agreeing, dissenter] = experts;
  await sheetOver(caseId, agreeing, "S", true);
  await sheetOver(caseId, dissenter, "N", true);
  // The first member rated everything N, then on the tablet ticks a negative-list item: the
  // content dimension becomes 学科类 and so does the member's verdict.
  await sheetOver(caseId, hitter, "N", false);
  const tablet = await as(browser, expertAccount(hitter));
  await tablet.goto(`/cases/${caseId}/sheet`);
  await hydrated(tablet);
  await expect(tablet.getByTestId("sheet-verdict")).toHaveAttribute("data-verdict", "NonSubject");
  const list = tablet.getByTestId("negative-list");
  await list.locator("summary").click();
  await list.locator('input[type="checkbox"]').first().check();
  await expect(tablet.getByTestId("sheet-verdict")).toHaveAttribute("data-verdict", "Subject");
  // A hit and an N on the negative-list indicator contradict each other: the indicator follows.
  await tablet.locator('fieldset.indicator[data-indicator="content.negative_list"] label[data-rating="S"]').tap();
  await expect(tablet.getByTestId("save-state")).toHaveAttribute("data-state", "saved", { timeout: 15_000 });
  await tablet.locator("#sheet-password").fill(DEMO_PASSWORD);
  await tablet.getByTestId("submit-sheet-button").click();
  await expect(tablet.getByTestId("save-state")).toHaveAttribute("data-state", "submitted", { timeout: 10_000 });
  await tablet.context().close();

  // The lead drafts the opinion (pre-filled from the sheets: 学科类, the hit listed).
  await waiveMeeting(caseId, "xian-fzr");
  for (const e of experts) {
    const ctx = await apiAs(expertAccount(e));
    const v = await (await ctx.post("/api/opinion_page", { form: { case_id: String(caseId) } })).json();
    if (v.can_draft) {
      expect(v.draft.conclusion ?? v.draft).toBeTruthy();
      await call(ctx, "save_opinion", { input: { case_id: caseId, version: v.version, draft: v.draft } });
    }
    await ctx.dispose();
  }
  for (const e of [hitter, agreeing]) {
    const ctx = await apiAs(expertAccount(e));
    const v = await (await ctx.post("/api/opinion_page", { form: { case_id: String(caseId) } })).json();
    await call(ctx, "sign_opinion", {
      input: { case_id: caseId, version: v.version, revision: v.content.revision, password: DEMO_PASSWORD, dissent: "" },
    });
    await ctx.dispose();
  }

  // The dissenting member signs on the tablet, with the dissent in their own words.
  const d = await as(browser, expertAccount(dissenter));
  await d.goto(`/cases/${caseId}/opinion`);
  await hydrated(d);
  await expect(d.getByTestId("opinion-conclusion")).toContainText("学科类");
  await expect(d.getByTestId("opinion-conclusion")).not.toContainText("非学科类");
  await d.locator("#opinion-password").fill(DEMO_PASSWORD);
  await d.getByTestId("sign-opinion").click();
  // A dissenter must say why: the error summary links to the field.
  await expect(d.getByTestId("error-summary")).toBeVisible();
  await d.locator("#opinion-dissent").fill("本人认为该项目以兴趣培养为主，负面清单所列内容仅为个别课时的拓展，不足以认定为学科类。");
  await d.locator("#opinion-password").fill(DEMO_PASSWORD);
  await d.getByTestId("sign-opinion").click();
  await expect(d.getByTestId("i-signed")).toBeVisible();
  await noHorizontalScroll(d);
  await d.context().close();

  // The director seals and determines 学科类.
  const director = await as(browser, "xian-fzr");
  await director.goto(`/cases/${caseId}/opinion`);
  await hydrated(director);
  await expect(director.getByTestId("signatures").locator('tr[data-signed="true"]')).toHaveCount(3);
  await director.locator("#opinion-password").fill(DEMO_PASSWORD);
  await director.getByTestId("seal-opinion").click();
  await expect(director.getByTestId("seal")).toBeVisible();
  await director.locator("#decide-reasons").fill("依据专家组多数意见作出结论。");
  await director.getByTestId("determine").click();
  await expect(director.getByTestId("determination-notice")).toBeVisible();
  await director.context().close();

  // The institution: the determination says 学科类; the opinion shows the hit and the dissent.
  const inst = await as(browser, "jigou");
  await inst.goto(`/cases/${caseId}`);
  await hydrated(inst);
  await expect(inst.getByTestId("determination-category")).toHaveText("学科类");
  await inst.goto(`/cases/${caseId}/opinion`);
  await hydrated(inst);
  await expect(inst.getByTestId("opinion-document")).toContainText("已作为监管线索记录");
  await expect(inst.getByTestId("dissent")).toContainText("不足以认定为学科类");
  await noHorizontalScroll(inst);
  await inst.context().close();
});

test("a 学前 item found 学科类 is prohibited, on the case page and in the registry", async ({ browser }, info) => {
  test.skip(info.project.name !== "tablet-portrait", "one run of the journey");
  const item = `学前识字-${Date.now() % 100000}`;
  const caseId = await submittedCase(item, {
    stage: "preschool", grades: [2, 3], domain: "language",
    description: "面向4至6岁幼儿的识字与拼音课程，按拼音方案逐课讲授并布置书写练习。",
  });
  // The director determines directly on the case page.
  const director = await as(browser, "xian-fzr");
  await director.goto(`/cases/${caseId}`);
  await hydrated(director);
  await director.locator("#category-subject").check();
  await director.locator("#action-text").fill("材料显示以拼音、识字为主要教学内容，属于学科类培训。");
  await director.locator('button[data-action="determine_directly"]').click();
  await expect(director.getByTestId("determination-category")).toHaveText("学科类");
  await expect(director.getByTestId("determination-prohibited")).toBeVisible();
  await noHorizontalScroll(director);
  await director.context().close();

  // The institution sees the same consequence.
  const inst = await as(browser, "jigou");
  await inst.goto(`/cases/${caseId}`);
  await hydrated(inst);
  await expect(inst.getByTestId("determination-prohibited")).toBeVisible();
  await inst.context().close();

  // The public registry marks it.
  const anon = await (await browser.newContext()).newPage();
  await anon.goto("/public/registry");
  await anon.getByTestId("reg-item").fill(item);
  await anon.getByTestId("reg-search").click();
  const row = anon.getByTestId("registry-row");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("registry-prohibited")).toBeVisible();
});
