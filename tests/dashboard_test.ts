/**
 * The dashboard in a real browser (Debian's Chromium, driven by
 * playwright-core): what it shows follows a failover.
 */

import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { connectIdentified, startTestServer } from "../src/testing/mod.ts";
import { startHomeNearWithDiagnostics } from "./helpers.ts";

const CHROMIUM = "/usr/bin/chromium";

Deno.test({
  name: "dashboard: the page shows home eligible, then the failover to near and why",
  // playwright-core keeps a few of its own handles open between launch and close.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    try {
      await Deno.stat(CHROMIUM);
    } catch {
      assert.fail(`${CHROMIUM} is missing: run \`bash .ci/install\` (installs Debian's chromium)`);
    }
    const home = startTestServer("home", { greeting: "home" });
    await using near = startTestServer("near", { greeting: "near" });
    const { cli, address, diag } = await startHomeNearWithDiagnostics(home.port, near.port);
    await using _cli = cli;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage();
      const cspViolations: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      await page.goto(`http://${diag}/`);
      const homeRow = page.locator(`tr[data-backend="127.0.0.1:${home.port}"]`);
      await homeRow.and(page.locator('[data-state="eligible"]')).waitFor({ timeout: 10_000 });
      assert.match(
        await page.locator('section[data-frontend="db"] h2').textContent() ?? "",
        /^db — 127\.0\.0\.1:\d+/,
      );

      await home.close();
      using moved = await connectIdentified(address);
      assert.equal(moved.name, "near");

      await homeRow.and(page.locator('[data-state="ineligible"]')).waitFor({ timeout: 10_000 });
      assert.match(
        await homeRow.locator(".reason").textContent() ?? "",
        /disabled until .*connection refused/,
      );
      const failover = page.locator('li[data-kind="failover"]').first();
      await failover.waitFor({ timeout: 10_000 });
      assert.match(await failover.textContent() ?? "", /new sessions go to near/);
      assert.match(
        await homeRow.locator(".bar > div").getAttribute("style") ?? "",
        /width: \d/,
        "load bars are drawn",
      );
      assert.deepEqual(cspViolations, [], "the page runs under its own CSP");
      await Deno.mkdir("out", { recursive: true });
      await page.screenshot({ path: "out/dashboard.png", fullPage: true });
    } finally {
      await browser.close();
    }
  },
});
