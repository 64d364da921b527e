import { expect, test } from "@playwright/test";
import { hydrated, noHorizontalScroll, signIn } from "./helpers";

const homes: Array<[string, string, string]> = [
  ["jigou", "home-institution", "培训机构"],
  ["zhuanjia", "home-expert", "鉴定专家"],
  ["xian-jbr", "home-county", "县（市）教育局经办人"],
  ["xian-fzr", "home-county", "县（市）教育局负责人"],
  ["zhou-jbr", "home-prefecture", "州教育局经办人"],
  ["zhou-fzr", "home-prefecture", "州教育局负责人"],
  ["jiandu", "home-observer", "监督人员"],
];

for (const [user, home, role] of homes) {
  test(`${user} signs in and lands on the home of ${role}`, async ({ page }) => {
    await signIn(page, user);
    await expect(page.getByTestId(home)).toBeVisible();
    await expect(page.getByTestId("current-role")).toHaveText(role);
    await noHorizontalScroll(page);
  });
}

test("the administrator signs in and lands on the accounts page", async ({ page }) => {
  await signIn(page, "admin");
  await expect(page.getByRole("heading", { name: "账号管理" })).toBeVisible();
  await expect(page.getByTestId("accounts-table")).toContainText("jigou");
  await noHorizontalScroll(page);
});

test("a wrong password shows a clear Chinese message and the summary links to the field", async ({ page }) => {
  await signIn(page, "jigou", "not-the-password", true);
  const summary = page.getByTestId("error-summary");
  await expect(summary).toContainText("用户名或密码不正确");
  await expect(page).toHaveURL(/\/login/);
});

test("empty fields are named in the error summary with links to them", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByTestId("login-submit").click();
  const summary = page.getByTestId("error-summary");
  await expect(summary.getByRole("link")).toHaveCount(2);
  await summary.getByRole("link").first().click();
  await expect(page.locator("#username")).toBeFocused();
});

test("the language switch works and persists across reloads", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("登录");
  await page.getByTestId("lang-switch").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByTestId("lang-switch").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("登录");
});

test("sign-out ends the session: the home page asks to sign in again", async ({ page }) => {
  await signIn(page, "xian-jbr");
  await expect(page.getByTestId("home-county")).toBeVisible();
  await hydrated(page);
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("an administrator creates an account; the new user must change the one-time password", async ({ page, browser }) => {
  await signIn(page, "admin");
  await hydrated(page);
  const name = `u${Date.now() % 1_000_000}`;
  const form = page.getByTestId("create-account");
  await form.getByLabel("用户名").fill(name);
  await form.getByLabel("姓名").fill("测试用户");
  await form.getByLabel("角色").selectOption("county_clerk");
  await form.locator("#scope_id").selectOption({ label: "呼图壁县" });
  await form.getByRole("button", { name: "创建账号" }).click();
  const otpBox = page.getByTestId("one-time-password");
  await expect(otpBox).toBeVisible();
  const otp = (await otpBox.locator("code").textContent())!.trim();
  expect(otp.length).toBe(16);

  const ctx = await browser.newContext();
  const p2 = await ctx.newPage();
  await signIn(p2, name, otp);
  await expect(p2).toHaveURL(/\/account\/password/);
  await expect(p2.getByTestId("must-change")).toBeVisible();
  await p2.getByLabel("当前密码").fill(otp);
  await p2.getByLabel("新密码", { exact: true }).fill("short");
  await expect(p2.locator("#new_password-error")).toContainText("至少需要 10 个字符");
  await p2.getByLabel("新密码", { exact: true }).fill("呼图壁县的春天来得早");
  await expect(p2.locator("#new_password-error")).toHaveCount(0);
  await p2.getByLabel("再次输入新密码").fill("呼图壁县的春天来得早");
  await p2.getByRole("button", { name: "保存新密码" }).click();
  await expect(p2.getByTestId("password-changed")).toBeVisible();
  await p2.goto("/");
  await expect(p2.getByTestId("home-county")).toBeVisible();
  await ctx.close();
});

test("an unknown address shows the 404 page", async ({ page }) => {
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("未找到页面");
});

test("the site's files carry content hashes, are sent precompressed and kept by the browser", async ({ page, request }) => {
  await page.goto("/login");
  await hydrated(page);
  const urls: string[] = await page.evaluate(() =>
    Array.from(document.querySelectorAll('link[href^="/pkg/"], script[src^="/pkg/"], link[rel="modulepreload"]'))
      .map((e) => e.getAttribute("href") ?? e.getAttribute("src") ?? "")
      .filter((u) => u.startsWith("/pkg/")),
  );
  const kinds = new Set(urls.map((u) => u.split(".").pop()));
  // The stylesheet, the script, the module and the page's language table (preloaded).
  expect(kinds).toEqual(new Set(["css", "js", "wasm", "json"]));
  for (const u of new Set(urls)) {
    expect(u, "a content hash in the name").toMatch(
      /^\/pkg\/(jianding\.[A-Za-z0-9_-]{16,}\.(css|js|wasm)|i18n\/zh-CN\.[A-Za-z0-9_-]{16,}\.json)$/,
    );
    const r = await request.get(u, { headers: { "Accept-Encoding": "br" } });
    expect(r.status()).toBe(200);
    expect(r.headers()["content-encoding"]).toBe("br");
    expect(r.headers()["cache-control"]).toContain("immutable");
  }
  // A page itself is never stored (it may hold personal data). What the first load weighs is
  // budget.ts's to measure.
  const html = await request.get("/login");
  expect(html.headers()["cache-control"]).toBe("no-store");
});
