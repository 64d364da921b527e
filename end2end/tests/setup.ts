import { APIRequestContext, expect, request } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";
import { DEMO_PASSWORD } from "./helpers";

// Setting up cases over HTTP for the journeys that start later in a case's life.

const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3100";

/** The demo experts of 昌吉市 who can be drawn, by expert id (a fresh demo database). */
export const EXPERT_ACCOUNTS: Record<string, string> = {
  "1": "zhuanjia",
  "2": "zhuanjia-1",
  "3": "zhuanjia-2",
  "4": "zhuanjia-3",
  "5": "zhuanjia-4",
  "6": "zhuanjia-fl",
};

/** The account of any demo expert by id: the six named ones, then zj07 … zj48. */
export function expertAccount(id: string | number): string {
  return EXPERT_ACCOUNTS[String(id)] ?? `zj${String(id).padStart(2, "0")}`;
}

export async function apiAs(username: string): Promise<APIRequestContext> {
  // A script shows its requests are the site's own by Origin (the server refuses a request with
  // the session cookie and no provenance unless it carries the anti-forgery token).
  const ctx = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
  const r = await ctx.post("/api/login", { form: { username, password: DEMO_PASSWORD } });
  expect(r.status()).toBe(200);
  return ctx;
}

export async function call(ctx: APIRequestContext, name: string, body: unknown) {
  const r = await ctx.post(`/api/${name}`, { data: body });
  const text = await r.text();
  expect(r.status(), `${name}: ${text}`).toBe(200);
  return JSON.parse(text);
}

export async function caseVersion(ctx: APIRequestContext, id: number): Promise<number> {
  const r = await ctx.post("/api/get_case", { form: { id: String(id) } });
  expect(r.status()).toBe(200);
  return (await r.json()).version;
}

function pdf(tag: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, "latin1");
}

/** A demo case of 昌吉市星辰艺术培训中心 with its materials, submitted (set up over HTTP). */
export async function submittedCase(itemName: string, overrides: Record<string, unknown> = {}): Promise<number> {
  const inst = await apiAs("jigou");
  const item = {
    name: itemName, declared_category: "non_subject", domain: "arts", stage: "primary",
    grades: [3, 4], delivery: "offline", hours: 48, class_size: 15, fee_fen: 288000,
    description: "以素描和水彩为主的美术兴趣培训，每周一次，注重观察与创作。",
    dispute_reason: "课程包含少量透视与色彩原理讲解，机构不确定是否属于学科类。",
    ...overrides,
  };
  const saved = await call(inst, "save_draft", { input: { id: null, version: 0, item, undertaking: true } });
  const id: number = saved.id;
  for (const kind of ["course_plan", "syllabus", "lesson_plan", "evaluation_plan", "promotional"]) {
    const r = await inst.post(`/files/cases/${id}/materials?kind=${kind}&name=${kind}.pdf`, { data: pdf(kind) });
    expect(r.status(), await r.text()).toBe(201);
  }
  await call(inst, "case_action", { input: { id, version: await caseVersion(inst, id), action: { kind: "submit" } } });
  await inst.dispose();
  return id;
}

/** A demo case of 昌吉市星辰艺术培训中心, submitted and accepted (set up over HTTP). */
export async function acceptedCase(itemName: string): Promise<number> {
  const id = await submittedCase(itemName);
  const clerk = await apiAs("xian-jbr");
  await call(clerk, "case_action", { input: { id, version: await caseVersion(clerk, id), action: { kind: "accept" } } });
  await clerk.dispose();
  return id;
}

/** A demo case with its panel drawn and every seat accepted (UNDER_REVIEW). Returns the case id
 * and the seated experts' ids. */
export async function underReview(itemName: string): Promise<{ caseId: number; experts: string[] }> {
  const caseId = await acceptedCase(itemName);
  const clerk = await apiAs("xian-jbr");
  await call(clerk, "run_draw", {
    input: { id: caseId, version: await caseVersion(clerk, caseId), kind: "initial", panel_size: 3, backups: 2, reason: "", observer: null },
  });
  const page = await (await clerk.post("/api/draw_page", { form: { id: String(caseId) } })).json();
  const experts: string[] = page.seats.map((s: any) => String(s.expert_id));
  for (const e of experts) {
    const ctx = await apiAs(EXPERT_ACCOUNTS[e]);
    await call(ctx, "case_action", {
      input: { id: caseId, version: await caseVersion(ctx, caseId), action: { kind: "accept_seat", declaration_signed: true } },
    });
    await ctx.dispose();
  }
  await clerk.dispose();
  return { caseId, experts };
}

/** The required indicators of rubric v1 (read from the rubric itself). */
export function requiredIndicators(): string[] {
  const text = fs.readFileSync(path.join(__dirname, "../../app/rubric/v1.toml"), "utf8");
  return text
    .split("[[dimensions.indicators]]")
    .slice(1)
    .filter((b) => /required\s*=\s*true/.test(b))
    .map((b) => /id\s*=\s*"([^"]+)"/.exec(b)![1]);
}

/** The member confirms the case's policy briefing (政策培训), which submitting a sheet needs. */
export async function confirmBriefing(ctx: APIRequestContext, caseId: number) {
  const r = await ctx.post("/api/confirm_briefing", { form: { case_id: String(caseId) } });
  expect(r.status(), await r.text()).toBe(200);
}

/** Every member submits a complete non-subject sheet (over HTTP). */
export async function submitSheets(caseId: number, experts: string[]) {
  for (const e of experts) {
    const ctx = await apiAs(expertAccount(e));
    const page = await (await ctx.post("/api/my_sheet", { form: { case_id: String(caseId) } })).json();
    const material = page.refs.find((r: any) => r.kind === "material").id;
    const ratings: Record<string, unknown> = {};
    for (const id of requiredIndicators()) {
      ratings[id] = { rating: "N", evidence: "课程方案显示以兴趣培养为主", refs: [{ kind: "material", id: material }] };
    }
    const sheet = { ...page.sheet, ratings, negative_list_hits: [], remarks: "" };
    await confirmBriefing(ctx, caseId);
    await call(ctx, "save_sheet", {
      input: { case_id: caseId, base_version: 0, sheet, save_id: `e2e-${caseId}-${e}`, submit: true, password: DEMO_PASSWORD },
    });
    await ctx.dispose();
  }
}

/** The panel drawn by `clerk` accepts every seat; returns the members' expert ids. */
export async function seatPanel(caseId: number, clerk: string, size: number): Promise<string[]> {
  const ctx = await apiAs(clerk);
  await call(ctx, "run_draw", {
    input: { id: caseId, version: await caseVersion(ctx, caseId), kind: "initial", panel_size: size, backups: 2, reason: "", observer: null },
  });
  const page = await (await ctx.post("/api/draw_page", { form: { id: String(caseId) } })).json();
  const experts: string[] = page.seats.map((s: any) => String(s.expert_id));
  for (const e of experts) {
    const x = await apiAs(expertAccount(e));
    await call(x, "case_action", {
      input: { id: caseId, version: await caseVersion(x, caseId), action: { kind: "accept_seat", declaration_signed: true } },
    });
    await x.dispose();
  }
  await ctx.dispose();
  return experts;
}

/** The director of the case's level records why the identification meeting is not held (the
 * opinion otherwise needs a held, minuted meeting: guide 七(三)). */
export async function waiveMeeting(caseId: number, director: string) {
  const d = await apiAs(director);
  const r = await d.post("/api/waive_meeting", {
    form: { case_id: String(caseId), version: String(await caseVersion(d, caseId)), reason: "专家组已通过线上方式完成政策培训，不再召开现场鉴定会。" },
  });
  expect(r.status(), await r.text()).toBe(200);
  await d.dispose();
}

/** Sheets, the lead's draft, every signature and `director`'s seal (over HTTP). */
export async function sealedOpinion(caseId: number, experts: string[], director: string) {
  await submitSheets(caseId, experts);
  await waiveMeeting(caseId, director);
  for (const e of experts) {
    const ctx = await apiAs(expertAccount(e));
    const v = await (await ctx.post("/api/opinion_page", { form: { case_id: String(caseId) } })).json();
    if (v.can_draft) {
      await call(ctx, "save_opinion", { input: { case_id: caseId, version: v.version, draft: v.draft } });
    }
    await ctx.dispose();
  }
  for (const e of experts) {
    const ctx = await apiAs(expertAccount(e));
    const v = await (await ctx.post("/api/opinion_page", { form: { case_id: String(caseId) } })).json();
    await call(ctx, "sign_opinion", {
      input: { case_id: caseId, version: v.version, revision: v.content.revision, password: DEMO_PASSWORD, dissent: "" },
    });
    await ctx.dispose();
  }
  const d = await apiAs(director);
  const r = await d.post("/api/seal_opinion", {
    form: { case_id: String(caseId), version: String(await caseVersion(d, caseId)), password: DEMO_PASSWORD },
  });
  expect(r.status(), await r.text()).toBe(200);
  await d.dispose();
}

/** A demo case of 昌吉市星辰艺术培训中心, submitted and determined directly by the county director. */
export async function determinedCase(itemName: string, category: "subject" | "non_subject"): Promise<number> {
  const id = await submittedCase(itemName);
  const director = await apiAs("xian-fzr");
  await call(director, "case_action", {
    input: { id, version: await caseVersion(director, id), action: { kind: "determine_directly", category, reasons: "材料清楚，可以直接认定类别。" } },
  });
  await director.dispose();
  return id;
}
