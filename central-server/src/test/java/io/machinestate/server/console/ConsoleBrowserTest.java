package io.machinestate.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import io.machinestate.server.TestHttp;
import io.machinestate.server.auth.AuthConfig;
import io.machinestate.server.auth.Role;
import io.machinestate.server.auth.Tokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's chromium, headless) against the real server on the
 * embedded database, with bearer tokens as an operator and as a viewer. One browser serves every case.
 */
class ConsoleBrowserTest {
  static final int FLEET = 30;
  static final String EDITOR = Tokens.newToken();
  static final String VIEWER = Tokens.newToken();
  static final String AGENT = Tokens.newToken();
  static final ObjectMapper JSON = Json.newMapper();

  @TempDir
  static Path dataDir;
  static CentralServer server;
  static TestHttp editor;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Browser.missing().isEmpty(), () -> "browser tests skipped: " + Browser.missing().orElseThrow());
    AuthConfig auth = new AuthConfig(List.of(
        new AuthConfig.Token("ops@example.org", Tokens.sha256Hex(EDITOR), Role.EDITOR, null),
        new AuthConfig.Token("viewer@example.org", Tokens.sha256Hex(VIEWER), Role.VIEWER, null),
        new AuthConfig.Token("agents", Tokens.sha256Hex(AGENT), Role.AGENT, Pattern.compile(".*"))), null, false);
    server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir).withAuth(auth));
    editor = new TestHttp(server.port()).withToken(EDITOR);
    SimulatedFleet.populate(new TestHttp(server.port()).withToken(AGENT), editor, FLEET);
    browser = Browser.start(1600, 1000);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Loads the page afresh with {@code token} typed in, and waits for the whole fleet. */
  static void open(String token) {
    browser.get("http://127.0.0.1:" + server.port() + "/");
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.cssSelector("#token-form button")).click();
    waitFor(() -> count("machines").equals(Integer.toString(FLEET)));
    waitFor(() -> browser.findElement(By.id("live")).getText().equals("live"));
  }

  static String count(String name) {
    List<WebElement> li = browser.findElements(By.cssSelector("#counts li[data-count='" + name + "'] b"));
    return li.isEmpty() ? "" : li.get(0).getText();
  }

  static void waitFor(java.util.function.BooleanSupplier condition) {
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .pollingEvery(Duration.ofMillis(50))
        .ignoring(StaleElementReferenceException.class) // a row is built again when its machine changes
        .until(d -> condition.getAsBoolean());
  }

  @SuppressWarnings("unchecked")
  static List<String> shownIds() {
    return (List<String>) browser.executeScript(
        "return [...document.querySelectorAll('#rows tr[data-id]')].map(tr => tr.dataset.id)");
  }

  static WebElement cell(String id, String column) {
    return browser.findElement(By.cssSelector("#rows tr[data-id='" + id + "'] td[data-col='" + column + "']"));
  }

  static Description description(String id) throws Exception {
    return JSON.readValue(editor.get(Paths.withId(Paths.MACHINE_DESCRIPTION, id)).body(), Description.class);
  }

  static void filter(String text) {
    // typed as a person would: clear() alone fires no input event
    browser.findElement(By.id("filter")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE, text);
  }

  @Test
  void tableListsTheFleet() {
    open(EDITOR);
    List<String> ids = shownIds();
    assertEquals(FLEET, ids.size(), ids.toString());
    for (int i = 0; i < FLEET; i++) {
      assertTrue(ids.contains(SimulatedFleet.id(i)), SimulatedFleet.id(i));
    }
    String dimensions = cell(SimulatedFleet.id(0), "dimensions").getText();
    assertTrue(dimensions.contains("os:Android"), dimensions);
    assertEquals("root@" + SimulatedFleet.id(5), cell(SimulatedFleet.id(5), "details").getText().split(" ")[0]);
    assertTrue(browser.findElement(By.id("who")).getText().contains("ops@example.org (editor)"));
  }

  @Test
  void sortAndFilter() {
    open(EDITOR);
    assertEquals(shownIds().stream().sorted().toList(), shownIds(), "sorted by machine at first");
    browser.findElement(By.cssSelector("th[data-key='machine']")).click();
    waitFor(() -> shownIds().get(0).equals(shownIds().stream().max(String::compareTo).orElseThrow()));

    browser.findElement(By.cssSelector("th[data-key='battery']")).click();
    List<Integer> batteries = browser.findElements(By.cssSelector("#rows td[data-col='battery']")).stream()
        .map(td -> td.getText().isEmpty() ? 0 : Integer.parseInt(td.getText())).toList();
    assertEquals(batteries.stream().sorted().toList(), batteries);

    filter("device_type:sargo");
    waitFor(() -> !shownIds().isEmpty() && shownIds().size() < FLEET);
    for (String id : shownIds()) {
      assertTrue(cell(id, "device").getText().contains("sargo"), id);
    }
    assertTrue(count("shown").equals(Integer.toString(shownIds().size())));

    filter("skia-ios");
    waitFor(() -> shownIds().stream().allMatch(id -> id.startsWith("skia-ios-")) && shownIds().size() == FLEET / 10);
    filter("");
    waitFor(() -> shownIds().size() == FLEET);
    browser.findElement(By.cssSelector("th[data-key='machine']")).click(); // back to the order others expect
  }

  @Test
  void togglingMaintenanceOnThePageChangesTheServersDescription() throws Exception {
    open(EDITOR);
    String id = SimulatedFleet.id(1);
    assertEquals("", description(id).maintenanceMode());
    cell(id, "mode").findElement(By.tagName("button")).click();
    waitFor(() -> cell(id, "mode").getText().equals("Maintenance"));
    assertTrue(description(id).maintenanceMode().startsWith("ops@example.org "), description(id).maintenanceMode());
    cell(id, "mode").findElement(By.tagName("button")).click();
    waitFor(() -> cell(id, "mode").getText().equals("Available"));
    assertEquals("", description(id).maintenanceMode());
  }

  @Test
  void aChangeThroughTheApiAppearsWithoutReload() {
    open(EDITOR);
    ((JavascriptExecutor) browser).executeScript("window.notReloaded = true");
    String id = SimulatedFleet.id(2);
    assertEquals(200, editor.post(Paths.withId(Paths.SET_NOTE, id), "{\"Message\":\"replaced the cable\"}").status());
    assertEquals(200, editor.post(Paths.withId(Paths.TOGGLE_POWERCYCLE, id), "{}").status());
    waitFor(() -> cell(id, "note").getText().contains("replaced the cable")
        && cell(id, "power").getText().contains("Waiting for power cycle"));
    assertEquals(true, ((JavascriptExecutor) browser).executeScript("return window.notReloaded === true"));
    assertEquals(200, editor.post(Paths.withId(Paths.TOGGLE_POWERCYCLE, id), "{}").status());
    waitFor(() -> !cell(id, "power").getText().contains("Waiting"));
  }

  @Test
  void aViewerSeesNoControls() {
    open(VIEWER);
    assertTrue(browser.findElement(By.id("who")).getText().contains("viewer@example.org (viewer)"));
    assertEquals(FLEET, shownIds().size());
    List<String> actions = browser.findElements(By.cssSelector("#rows button")).stream()
        .map(b -> b.getAttribute("data-action")).filter(a -> !a.equals("open")).toList();
    assertEquals(List.of(), actions, "only the links that open a machine's panel");
    browser.findElement(By.cssSelector("#rows tr[data-id='" + SimulatedFleet.id(0) + "'] button[data-action='open']")).click();
    waitFor(() -> browser.findElement(By.id("panel")).isDisplayed());
    assertTrue(browser.findElements(By.cssSelector("#panel form, #panel button[data-do]")).isEmpty());
    waitFor(() -> browser.findElement(By.id("panel-history")).getText().contains("created")); // viewers read history
  }

  @Test
  void anErrorFromTheServerIsShownInPlace() {
    open(EDITOR);
    String id = SimulatedFleet.id(5);
    browser.findElement(By.cssSelector("#rows tr[data-id='" + id + "'] button[data-action='open']")).click();
    WebElement form = browser.findElement(By.cssSelector("#panel form[data-form='supply_chromeos']"));
    WebElement ssh = form.findElement(By.name("ssh"));
    ssh.clear();
    ssh.sendKeys("root@bad host!");
    form.findElement(By.cssSelector("button[type='submit']")).click();
    WebElement result = form.findElement(By.className("result"));
    waitFor(() -> result.getText().startsWith("400: invalid SSHUserIP"));
    assertTrue(result.getAttribute("class").contains("err"));
    assertFalse(browser.findElement(By.id("panel-audit")).getText().isEmpty());
  }
}
