// Open a paymentaudit readiness.html in headless Chromium with the network cut off, and
// report what a reader can do with its findings tables (JSON on stdout):
//   node check_report.mjs REPORT.html SEARCH_TEXT PANE_VALUE [SCREENSHOT.png]
// Chromium comes from @sparticuz/chromium (its binary ships inside the npm package), driven by
// puppeteer-core; both are installed under $CHROMIUM_TOOLS (.venv/tools/chromium, by
// `make test`) and loaded from there.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const tools = createRequire(join(process.env.CHROMIUM_TOOLS, "package.json"));
const chromium = tools("@sparticuz/chromium");
const puppeteer = tools("puppeteer-core");

const [report, searchText, paneValue, screenshot] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: await chromium.executablePath(),
  args: chromium.args,
  headless: true,
});
const out = { external_requests: [], errors: [] };
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const url = request.url();
    if (/^(file|data|blob|about):/.test(url)) {
      request.continue();
    } else {
      out.external_requests.push(url);
      request.abort();
    }
  });
  page.on("pageerror", (error) => out.errors.push(String(error.message || error)));
  page.on("console", (message) => {
    if (message.type() === "error") out.errors.push(message.text());
  });
  await page.goto(pathToFileURL(report).href, { waitUntil: "load" });
  const expected = await page.$$eval("table[id^='paymentaudit-table-']", (t) => t.length);
  await page
    .waitForFunction(
      (n) => document.querySelectorAll(".dt-container").length >= n,
      { timeout: 30000 },
      expected,
    )
    .catch(() => {});
  out.tables = expected;
  out.initialized = await page.$$eval(".dt-container", (c) => c.length);
  // The table of every finding: the one with search panes.
  const info = async () =>
    page.$eval("#All-findings ~ * .dt-container .dt-info, .dtsp-panesContainer", () => {
      const panes = document.querySelector(".dtsp-panesContainer");
      const container = panes.closest(".dt-container");
      return container.querySelector(".dt-info")?.textContent ?? "";
    });
  out.panes = await page.$$eval(".dtsp-panesContainer .dtsp-searchPane:not(.dtsp-hidden)", (p) =>
    p.map((pane) => pane.querySelector("input")?.getAttribute("placeholder") ?? ""),
  );
  out.info_all = await info();
  const firstSeverity = () =>
    page.$eval(".dtsp-panesContainer", (panes) => {
      const table = panes.closest(".dt-container").querySelector("table[id^='paymentaudit-table-']");
      return table.querySelector("tbody tr td")?.innerText?.trim() ?? "";
    });
  out.first_severity = await firstSeverity();
  // The table opens sorted by severity, the worst first; one click on the header sorts it the
  // other way round. A real mouse click, as a reader would.
  const header = await page.evaluateHandle(() => {
    const container = document.querySelector(".dtsp-panesContainer").closest(".dt-container");
    const table = container.querySelector("table[id^='paymentaudit-table-']");
    return [...table.querySelectorAll("thead th")].find(
      (th) => th.textContent.trim() === "severity",
    );
  });
  await header.click();
  await new Promise((r) => setTimeout(r, 300));
  out.first_severity_sorted = await firstSeverity();
  // Search.
  const search = await page.evaluateHandle(() =>
    document
      .querySelector(".dtsp-panesContainer")
      .closest(".dt-container")
      .querySelector("input[type=search]:not(.dtsp-paneInputButton)"),
  );
  await search.type(searchText);
  await new Promise((r) => setTimeout(r, 400));
  out.info_search = await info();
  await search.click({ clickCount: 3 });
  await search.press("Backspace");
  await new Promise((r) => setTimeout(r, 400));
  // Filter with the first pane (severity): click the row holding PANE_VALUE.
  const clicked = await page.evaluate((value) => {
    const pane = document.querySelector(".dtsp-panesContainer .dtsp-searchPane:not(.dtsp-hidden)");
    const row = [...pane.querySelectorAll("tbody tr")].find((tr) =>
      tr.innerText.trim().startsWith(value),
    );
    if (!row) return false;
    row.querySelector("td").click();
    return true;
  }, paneValue);
  await new Promise((r) => setTimeout(r, 400));
  out.pane_clicked = clicked;
  out.info_filtered = await info();
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: false });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + "\n");
