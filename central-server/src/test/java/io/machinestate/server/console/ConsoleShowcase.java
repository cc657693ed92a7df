package io.machinestate.server.console;

import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import io.machinestate.protocol.Paths;
import io.machinestate.server.TestHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Starts a server on a fresh embedded database, fills it with a {@link SimulatedFleet}, opens the
 * console in headless chromium and either saves screenshots (the table, and FILE-panel.png with a
 * machine's panel open) or measures sorting and filtering, and with a RATE, does so while the
 * machines post RATE events a second (each a change the page is sent) and also times an
 * operator's note from its POST to its showing in the table:
 * <pre>
 *   ./dev console screenshot 300 docs/console.png
 *   ./dev console measure 10000 [RATE]
 * </pre>
 */
public final class ConsoleShowcase {
  private ConsoleShowcase() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !List.of("screenshot", "measure").contains(args[0])
        || (args[0].equals("screenshot") && args.length < 3)) {
      System.err.println("usage: ConsoleShowcase screenshot MACHINES FILE.png | measure MACHINES [RATE]");
      System.exit(2);
    }
    Browser.missing().ifPresent(why -> {
      System.err.println(why);
      System.exit(1);
    });
    int machines = Integer.parseInt(args[1]);
    Path dataDir = Files.createTempDirectory("console-showcase");
    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir))) {
      TestHttp http = new TestHttp(server.port());
      long t0 = System.nanoTime();
      SimulatedFleet.populate(http, http, machines);
      SimulatedFleet.reportPowerCycleStates(http, machines);
      SimulatedFleet.silence(server.store(), machines, Duration.ofMinutes(4));
      System.out.printf("%d machines simulated in %.1f s%n", machines, (System.nanoTime() - t0) / 1e9);
      ChromeDriver browser = Browser.start(1920, 1080);
      try {
        browser.manage().timeouts().scriptTimeout(Duration.ofMinutes(2));
        browser.get("http://127.0.0.1:" + server.port() + "/");
        // polled in the page at every frame: the time since navigation began when the fleet is in sight
        double shown = ((Number) browser.executeAsyncScript("""
            const done = arguments[arguments.length - 1];
            const poll = () => {
              const b = document.querySelector("#counts li[data-count='machines'] b");
              if (b && b.textContent === arguments[0] && document.querySelector('#rows tr[data-id]')) {
                done(performance.now());
              } else {
                requestAnimationFrame(poll);
              }
            };
            poll();""", Integer.toString(machines))).doubleValue();
        System.out.printf("page load until all %d machines were in the table: %.0f ms (the snapshot's transfer included)%n",
            machines, shown);
        if (args[0].equals("screenshot")) {
          screenshot(browser, Path.of(args[2]));
        } else if (args.length < 3) {
          measure(browser);
        } else {
          int rate = Integer.parseInt(args[2]);
          try (Load load = new Load(http, machines, rate)) {
            Thread.sleep(5_000); // the stream at its steady rate first
            System.out.printf("while the machines post %d events/s:%n", rate);
            measure(browser);
            noteToTable(browser, http);
            System.out.printf("events posted: %d, refused: %d%n", load.posted.get(), load.refused.get());
          }
        }
      } finally {
        browser.quit();
      }
    }
  }

  /** Oldest Last Seen first: the flagged machines on top, then the fleet in the order it reported. */
  private static void screenshot(ChromeDriver browser, Path file) throws Exception {
    browser.findElement(By.cssSelector("th[data-key='lastseen']")).click();
    browser.findElement(By.cssSelector("th[data-key='lastseen']")).click();
    Thread.sleep(500);
    Files.createDirectories(file.toAbsolutePath().getParent());
    save(browser, file);
    // and a machine's panel: a ChromeOS device, with its forms, history and audit entries
    browser.findElement(By.cssSelector("#rows tr[data-id^='skia-chromeos-'] button[data-action='open']")).click();
    Thread.sleep(1000);
    save(browser, Path.of(file.toString().replaceFirst("\\.png$", "") + "-panel.png"));
  }

  private static void save(ChromeDriver browser, Path file) throws Exception {
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("saved " + file.toAbsolutePath());
  }

  /**
   * Times, inside the page, a click on a column heading (sort and render the rows in sight) and a
   * filter typed in, each up to the layout done; prints the median and the worst of each.
   */
  private static void measure(ChromeDriver browser) {
    String sort = "const t = performance.now();"
        + "document.querySelector(\"th[data-key='\" + arguments[0] + \"']\").click();"
        + "document.body.getBoundingClientRect(); return performance.now() - t;";
    String filter = "const t = performance.now(); const f = document.getElementById('filter');"
        + "f.value = arguments[0]; f.dispatchEvent(new Event('input'));"
        + "document.body.getBoundingClientRect(); return performance.now() - t;";
    List<Double> sorts = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (String column : List.of("battery", "lastseen", "device", "machine", "dimensions", "annotation", "power")) {
        sorts.add(((Number) browser.executeScript(sort, column)).doubleValue());
      }
    }
    List<Double> filters = new ArrayList<>();
    for (String text : List.of("sargo", "os:Android", "skia-e-", "maintenance", "device_type:iphone13", "")) {
      filters.add(((Number) browser.executeScript(filter, text)).doubleValue());
    }
    System.out.printf("sort + render, %d clicks: median %.0f ms, worst %.0f ms%n", sorts.size(), median(sorts), Collections.max(sorts));
    System.out.printf("filter + render, %d inputs: median %.0f ms, worst %.0f ms%n", filters.size(), median(filters), Collections.max(filters));
  }

  /** Times an operator's note, from its POST to its text in the machine's row, ten times. */
  private static void noteToTable(ChromeDriver browser, TestHttp http) {
    String shows = """
        const done = arguments[arguments.length - 1];
        const poll = () => {
          const row = document.querySelector(`#rows tr[data-id='${arguments[0]}']`);
          if (row && row.textContent.includes(arguments[1])) done(true); else requestAnimationFrame(poll);
        };
        poll();""";
    List<Double> times = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      String id = SimulatedFleet.id(17 + 101 * k);
      browser.executeScript("const f = document.getElementById('filter'); f.value = arguments[0];"
          + "f.dispatchEvent(new Event('input'));", id);
      String message = "probe " + k + " " + System.nanoTime();
      long t0 = System.nanoTime();
      TestHttp.Reply reply = http.post(Paths.withId(Paths.SET_NOTE, id), "{\"Message\":\"" + message + "\"}");
      if (reply.status() != 200) {
        throw new IllegalStateException(id + ": " + reply.status() + " " + reply.body());
      }
      browser.executeAsyncScript(shows, id, message);
      times.add((System.nanoTime() - t0) / 1e6);
    }
    browser.executeScript("const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input'));");
    System.out.printf("note, from its POST to the table, %d notes: median %.0f ms, worst %.0f ms%n", times.size(),
        median(times), Collections.max(times));
  }

  /** The machines' events, round robin at a fixed rate, until closed. */
  private static final class Load implements AutoCloseable {
    final AtomicLong posted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    private final ExecutorService posters = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread pacer;

    Load(TestHttp http, int machines, int rate) {
      pacer = Thread.ofVirtual().start(() -> {
        long start = System.nanoTime();
        for (long k = 0; !Thread.currentThread().isInterrupted(); k++) {
          long due = start + k * 1_000_000_000L / rate;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          int m = (int) (k % machines);
          posters.submit(() -> {
            int status = http.post(Paths.MACHINE_EVENT, SimulatedFleet.event(m)).status();
            (status == 200 ? posted : refused).incrementAndGet();
          });
        }
      });
    }

    @Override
    public void close() throws InterruptedException {
      pacer.interrupt();
      pacer.join();
      posters.shutdownNow();
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
