package io.machinestate.server.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's chromium, headless, driven through its chromedriver; found on PATH or in /usr/bin. */
final class Browser {
  private Browser() {}

  static Optional<Path> executable(String... names) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/lib/chromium";
    return Stream.of(names)
        .flatMap(name -> Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)))
        .filter(Files::isExecutable)
        .findFirst();
  }

  static Optional<Path> chromium() {
    return executable("chromium", "chromium-browser");
  }

  static Optional<Path> chromedriver() {
    return executable("chromedriver");
  }

  /** Why the browser cannot run here, or empty when it can. */
  static Optional<String> missing() {
    if (chromium().isEmpty() || chromedriver().isEmpty()) {
      return Optional.of("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    }
    return Optional.empty();
  }

  /** A headless chromium with a window of {@code width} x {@code height}; no network look-ups by Selenium. */
  static ChromeDriver start(int width, int height) {
    ChromeOptions options = new ChromeOptions()
        .setBinary(chromium().orElseThrow().toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=" + width + "," + height, "--hide-scrollbars");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver().orElseThrow().toFile())
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
  }
}
