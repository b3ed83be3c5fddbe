package dev.segments.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.common.tables.TableNames;
import dev.segments.jobs.TestRuns;
import dev.segments.jobs.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Date;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The report of the scoring scenario's D3, opened from disk in headless Chromium (Debian's {@code
 * chromium} and {@code chromium-driver}; .ci/run installs them): every chart is drawn as a
 * non-empty SVG carrying its title, the browser logs no error, the data drawn is the warehouse's,
 * and a screenshot is saved as {@code target/report-screenshot.png}.
 */
class ReportBrowserTest {
  static final Date D3 = Date.valueOf("2026-04-03");
  static TestRuns runs;
  static Path page;

  @BeforeAll
  static void writeReport() throws IOException {
    runs = ScoringScenario.runs();
    Path out = Path.of("target", "report-test");
    runs.ok("report", "--date", "2026-04-03", "--days", "3", "--out", out.toString());
    page = out.resolve("segments-report-2026-04-03.html").toAbsolutePath();
    assertTrue(Files.size(page) > 500_000, "the page embeds ECharts: " + Files.size(page));
  }

  /** The Debian locations, or CHROME_BIN / CHROMEDRIVER. */
  private static Path executable(String env, String debian) {
    Path p = Path.of(System.getenv().getOrDefault(env, debian));
    assertTrue(
        Files.isExecutable(p),
        p
            + " not found: the report test needs Chromium and its driver (Debian: apt-get install"
            + " chromium chromium-driver; .ci/run installs them), or set "
            + env);
    return p;
  }

  private static ChromeDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(executable("CHROME_BIN", "/usr/bin/chromium").toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--allow-file-access-from-files",
        "--window-size=1300,3800");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(executable("CHROMEDRIVER", "/usr/bin/chromedriver").toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }

  @Test
  void everyChartRendersInChromiumWithoutErrors() throws IOException {
    ChromeDriver driver = browser();
    try {
      driver.get(page.toUri().toString());
      JavascriptExecutor js = driver;
      List<WebElement> sections = driver.findElements(By.cssSelector("section.chart"));
      assertEquals(
          Report.CHARTS,
          sections.stream().map(s -> s.findElement(By.tagName("h2")).getText()).toList());
      for (WebElement section : sections) {
        String title = section.findElement(By.tagName("h2")).getText();
        WebElement plot = section.findElement(By.cssSelector("div.plot"));
        List<WebElement> svgs = plot.findElements(By.tagName("svg"));
        assertEquals(1, svgs.size(), title + ": one SVG");
        long shapes =
            (Long)
                js.executeScript(
                    "return arguments[0].querySelectorAll('path, rect').length", svgs.get(0));
        assertTrue(shapes > 5, title + ": drawn shapes " + shapes);
        String text = (String) js.executeScript("return arguments[0].textContent", svgs.get(0));
        assertTrue(text.contains(title), title + ": the chart's own title in the SVG: " + text);
        long width =
            (Long)
                js.executeScript(
                    "return arguments[0].getBoundingClientRect().width|0", svgs.get(0));
        assertTrue(width > 300, title + ": width " + width);
      }

      // The data drawn is the warehouse's: one line per segment; D3 of op_between (3 entered,
      // 0 exited, worked out in DashboardTest) after choosing it.
      long segments =
          runs.table(TableNames.SEGMENT_SIZES).where(col("as_of_date").equalTo(lit(D3))).count();
      assertEquals(
          segments,
          js.executeScript(
              "return echarts.getInstanceByDom(document.getElementById('chart-sizes')).getOption().series.length"));
      driver.findElement(By.cssSelector("#segment-select option[value='op_between']")).click();
      assertEquals(
          List.of(3L, 0L),
          js.executeScript(
              "const s = echarts.getInstanceByDom(document.getElementById('chart-moves')).getOption().series;"
                  + " return [s[0].data[2], Math.abs(s[1].data[2])];"));
      // Six users scored on D3 by the default workspace, in the score histogram: u4 0 and u5 13
      // (bins 0-4, 10-14), u2 35, u3 51, u6 73, u1 90.
      assertEquals(
          List.of(1L, 0L, 1L, 0L, 0L, 0L, 0L, 1L, 0L, 0L, 1L, 0L, 0L, 0L, 1L, 0L, 0L, 0L, 1L, 0L),
          js.executeScript(
              "const s = echarts.getInstanceByDom(document.getElementById('chart-scores')).getOption().series;"
                  + " return s[0].data.map((_, i) => s.reduce((t, x) => t + x.data[i], 0));"));
      // Accounts by activation progress: acme 100, globex and initech 0, in the bins' order.
      assertEquals(
          List.of(
              List.of(
                  "0–9",
                  "10–19",
                  "20–29",
                  "30–39",
                  "40–49",
                  "50–59",
                  "60–69",
                  "70–79",
                  "80–89",
                  "90–99",
                  "100",
                  "no steps"),
              List.of(2L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L, 0L)),
          js.executeScript(
              "const o = echarts.getInstanceByDom(document.getElementById('chart-activation')).getOption();"
                  + " return [o.xAxis[0].data, o.series[0].data];"));
      // The metrics table: a row per segment and workspace (default, lin).
      assertEquals(2 * segments, driver.findElements(By.cssSelector("#metrics tbody tr")).size());

      List<LogEntry> errors =
          driver.manage().logs().get(LogType.BROWSER).getAll().stream()
              .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
              .toList();
      assertEquals(List.of(), errors.stream().map(LogEntry::toString).toList(), "browser console");

      Path shot = Path.of("target", "report-screenshot.png");
      Files.copy(
          driver.getScreenshotAs(OutputType.FILE).toPath(),
          shot,
          StandardCopyOption.REPLACE_EXISTING);
      assertTrue(Files.size(shot) > 50_000, "screenshot " + Files.size(shot));
    } finally {
      driver.quit();
    }
  }
}
