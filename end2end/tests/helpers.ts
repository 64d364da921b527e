import { expect, Page } from "@playwright/test";

export const DEMO_PASSWORD = "Changji-Demo-2026";

/** Waits until the page has hydrated (an Effect sets data-hydrated, which only runs in the browser). */
export async function hydrated(page: Page) {
  await expect(page.locator('[data-hydrated="true"]')).toBeVisible();
}

/** Signs in; unless `expectFailure`, waits until the next page has loaded and hydrated. */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD, expectFailure = false) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByTestId("login-submit").click();
  if (!expectFailure) {
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    await hydrated(page);
  }
}

/** No horizontal scrolling at this viewport. */
export async function noHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}
