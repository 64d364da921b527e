import { test } from "@playwright/test";
import { firstLoad, withinBudget } from "./budget";

// The sheet's first load is held to its budget in sheets.spec.ts, on the case that test seats
// (a case of its own here would take experts from the pool the later journeys draw from).
test("the first load of the sign-in page and of the dashboard stays within its budget", async ({ browser }) => {
  withinBudget("login", await firstLoad(browser, "/login"));
  withinBudget("dashboard", await firstLoad(browser, "/dashboard", "xian-jbr"));
});
