import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, signIn } from "./helpers";

// The idle timeout (SECURITY.md: 30 minutes, server-side): only a person's input renews the
// session, so an unattended tablet is signed out, and what was typed but not saved is kept on
// the device and offered back after signing in again. The server's clock is moved on through
// the end-to-end clock (JIANDING_E2E_CLOCK=1, end2end/run.sh), the browser's with Playwright's.

test.use({ viewport: { width: 768, height: 1024 }, hasTouch: true });

test("an unattended tablet is signed out and its unsaved form is offered back", async ({ page, request }, info) => {
  test.skip(info.project.name !== "tablet-portrait", "one orientation is enough: the layout is not what is tested");
  await page.clock.install();
  await signIn(page, "jigou");
  await page.goto("/cases/new");
  await hydrated(page);
  await page.getByLabel("项目名称").fill("未保存的少儿书法课");
  await page.getByLabel("项目简介").fill("以毛笔楷书为主的书法兴趣课程，尚未保存。");

  // Thirty-one minutes pass with nobody at the tablet: the page's own checks renew nothing.
  const moved = await request.post("/__e2e/clock?advance=1860");
  expect(moved.status()).toBe(200);
  await page.clock.fastForward(31 * 60 * 1000);
  await page.clock.runFor(2000);
  await page.waitForURL(/\/login\?expired=1/);
  await expect(page.getByText("您因长时间未操作已退出登录，请重新登录。")).toBeVisible();
  // Signed out on the server too: the old session no longer opens the form.
  const gone = await page.request.post("/api/whoami", { headers: { Origin: new URL(page.url()).origin } });
  expect(await gone.json()).toBeNull();

  // Signing in again brings the person back to the form, with the input offered back.
  await hydrated(page);
  await page.getByLabel("用户名").fill("jigou");
  await page.getByLabel("密码", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(/\/cases\/new$/);
  await hydrated(page);
  await expect(page.getByTestId("kept-form")).toBeVisible();
  await expect(page.getByLabel("项目名称")).toHaveValue("");
  await page.getByTestId("kept-form-restore").click();
  await expect(page.getByLabel("项目名称")).toHaveValue("未保存的少儿书法课");
  await expect(page.getByLabel("项目简介")).toHaveValue("以毛笔楷书为主的书法兴趣课程，尚未保存。");
  await expect(page.getByTestId("kept-form")).toBeHidden();
  // Kept once: not offered again.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("kept-form")).toBeHidden();
});

test("input renews the session; the page's own calls do not", async ({ page, request }, info) => {
  test.skip(info.project.name !== "tablet-portrait", "one orientation is enough");
  await page.clock.install();
  await signIn(page, "xian-jbr");
  await hydrated(page);
  // Twenty minutes idle, then the person taps: the session is renewed.
  await request.post("/__e2e/clock?advance=1200");
  await page.clock.fastForward(20 * 60 * 1000);
  await page.locator("main").click();
  await expect
    .poll(async () => (await (await page.request.post("/api/whoami", { headers: { Origin: new URL(page.url()).origin } })).json())?.idle_left)
    .toBeGreaterThan(1700);
  // The warning shows two minutes before the end, with one tap to stay.
  await request.post("/__e2e/clock?advance=1690");
  await page.clock.fastForward(28 * 60 * 1000 + 10_000);
  await page.clock.runFor(2000);
  await expect(page.getByTestId("idle-warning")).toBeVisible();
  await page.getByTestId("idle-warning").getByRole("button").click();
  await expect(page.getByTestId("idle-warning")).toBeHidden();
  await expect(page).not.toHaveURL(/\/login/);
});
