package dev.parley.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (Selenium WebDriver), for the
 * browser tests: one browser per test class, one window per {@link Page} (two signed-in users
 * share the browser, not a second Chromium). Fake microphone (a beep) and no permission prompts;
 * a fresh profile; no network access beyond what the pages open (loopback). Both executables are
 * given by path, so nothing is ever downloaded.
 *
 * <p>WebRTC is kept on loopback: Chromium may gather loopback candidates
 * ({@code --allow-loopback-in-peer-connection}), and a script added to every page before its own
 * ({@link #LOOPBACK_ONLY}) leaves only the 127.0.0.1 candidates in the descriptions the page
 * reads, so the calls' media never leaves 127.0.0.0/8.
 *
 * <p>chromedriver's log stays after the test, at {@code target/chromedriver-<name>.log}. A
 * shutdown hook quits the driver (and with it Chromium) if the JVM ends before {@link #close()}:
 * a test run stopped half-way leaves no browser behind.
 *
 * <p>Not thread-safe: the test thread drives it.
 */
final class Chromium implements AutoCloseable {
  static final String BROWSER = "/usr/bin/chromium";
  static final String DRIVER = "/usr/bin/chromedriver";

  /** Page script: local descriptions keep only their 127.0.0.1 ICE candidates. */
  private static final String LOOPBACK_ONLY = """
      (() => {
        const proto = RTCPeerConnection.prototype;
        const original = Object.getOwnPropertyDescriptor(proto, "localDescription");
        Object.defineProperty(proto, "localDescription", { configurable: true, get() {
          const d = original.get.call(this);
          if (!d) { return d; }
          const sdp = d.sdp.split("\\r\\n").filter(l => !l.startsWith("a=candidate:")
              || / 127\\.0\\.0\\.1 /.test(l)).join("\\r\\n");
          return new RTCSessionDescription({ type: d.type, sdp });
        }});
      })();
      """;

  private final ChromeDriver driver;
  private final Thread quitAtExit;
  private boolean firstWindowUsed;

  private Chromium(ChromeDriver driver) {
    this.driver = driver;
    this.quitAtExit = new Thread(this::quit, "chromium-quit-at-exit");
    Runtime.getRuntime().addShutdownHook(quitAtExit);
  }

  /** Skips the calling test when chromium or chromedriver is missing (fails it when CI=true). */
  static void requireInstalled() {
    PeerProcess.requireInstalled(BROWSER, "chromium");
    PeerProcess.requireInstalled(DRIVER, "chromium-driver");
  }

  /**
   * Starts a headless Chromium whose profile is a fresh directory under {@code work}; {@code name}
   * names its chromedriver log under {@code target/} (the test class's name, say).
   */
  static Chromium start(Path work, String name) throws IOException {
    Objects.requireNonNull(work, "work");
    if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("name must be letters, digits, '_', '.' or '-': " + name);
    }
    Path log = Files.createDirectories(Path.of("target")).resolve("chromedriver-" + name + ".log");
    Path profile = Files.createDirectories(work.resolve("chromium-profile"));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER);
    options.addArguments(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage",
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
        // two windows of one browser both keep running their timers and WebRTC at full speed
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        // tests only: the server's development certificate (self-signed, made per data directory)
        "--ignore-certificate-errors",
        "--window-size=900,1000", "--user-data-dir=" + profile));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER))
        .usingAnyFreePort()
        .withLogFile(log.toFile())
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return new Chromium(driver);
  }

  /** A new window that loads {@code url}. */
  Page open(String url) {
    Objects.requireNonNull(url, "url");
    if (firstWindowUsed) {
      driver.switchTo().newWindow(WindowType.WINDOW);
    }
    firstWindowUsed = true;
    Page page = new Page(driver.getWindowHandle());
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", LOOPBACK_ONLY));
    driver.get(url);
    return page;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(quitAtExit);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs (or ran) quit itself
    }
    quit();
  }

  private void quit() {
    try {
      driver.quit();
    } catch (WebDriverException e) {
      // the browser is gone already: nothing left to stop
    }
  }

  /** One window of the browser: the test reads and clicks it by element id and CSS selector. */
  final class Page {
    private final String window;

    private Page(String window) {
      this.window = window;
    }

    private ChromeDriver focus() {
      driver.switchTo().window(window);
      return driver;
    }

    /** The element with this CSS selector, now (fails when none). */
    WebElement find(String css) {
      return focus().findElement(By.cssSelector(css));
    }

    /** The elements with this CSS selector, now. */
    List<WebElement> findAll(String css) {
      return focus().findElements(By.cssSelector(css));
    }

    /** Replaces the text of the input with this CSS selector. */
    void type(String css, String text) {
      WebElement input = find(css);
      input.clear();
      input.sendKeys(text);
    }

    void click(String css) {
      find(css).click();
    }

    /** The text of the element with this CSS selector, or "" when there is none now. */
    String text(String css) {
      List<WebElement> found = findAll(css);
      return found.isEmpty() ? "" : found.get(0).getText();
    }

    /** Waits (generously: a busy machine) until {@code check} holds for this page. */
    <T> T await(String what, Function<Page, T> value, java.util.function.Predicate<T> check) {
      return Awaitility.await(what).atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> value.apply(this), check);
    }

    /** Waits until the element with this CSS selector's text contains {@code part}. */
    String awaitText(String css, String part) {
      return await(css + " shows \"" + part + "\"", p -> p.text(css), t -> t.contains(part));
    }

    /** Runs a script in the page and returns its value. */
    Object script(String script, Object... args) {
      return focus().executeScript(script, args);
    }

    /** Writes a PNG of the window to {@code file}. */
    void screenshot(Path file) throws IOException {
      byte[] png = focus().getScreenshotAs(OutputType.BYTES);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, png);
    }
  }
}
