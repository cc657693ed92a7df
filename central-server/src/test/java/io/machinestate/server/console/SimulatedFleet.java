package io.machinestate.server.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.server.TestHttp;
import io.machinestate.server.store.Change;
import io.machinestate.server.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A lab of every kind of machine, made through the server's own API as agents and operators would:
 * Android phones (some low on battery or too hot, so recovering), iPhones, ChromeOS devices over
 * SSH, Linux, Mac and Windows hosts, a pyOCD kit; some in maintenance, force-quarantined, waiting
 * for a power cycle, with notes, and a few not seen for a while.
 */
final class SimulatedFleet {
  private static final ObjectMapper JSON = Json.newMapper();
  private static final String[] PHONES = {"sargo", "redfin", "oriole", "panther", "a23"};
  private static final String[] BRANDS = {"google", "google", "google", "google", "samsung"};

  private SimulatedFleet() {}

  /** The id of machine {@code i}, whose kind is {@code i % 10}. */
  static String id(int i) {
    int n = i / 10;
    return switch (i % 10) {
      case 0, 1, 2, 3 -> String.format("skia-rpi2-rack%d-shelf%d-%03d", n % 4 + 1, n % 3 + 1, i);
      case 4 -> String.format("skia-ios-%03d", i);
      case 5 -> String.format("skia-chromeos-%03d", i);
      case 6 -> String.format("skia-e-linux-%03d", i);
      case 7 -> String.format("skia-e-mac-%03d", i);
      case 8 -> String.format("skia-e-win-%03d", i);
      default -> String.format("skia-pyocd-%03d", i);
    };
  }

  static String event(int i) {
    String id = id(i);
    Event.Host host = new Event.Host(id, "2026-11-" + (20 + i % 7) + "T08:00:00Z-abc" + i % 3,
        Instant.parse("2026-11-24T08:00:00Z"));
    Event e = Event.rawState(host);
    int n = i / 10;
    e = switch (i % 10) {
      case 0, 1, 2, 3 -> e.withAndroid(android(n + i, Duration.ofMinutes(30 + 97L * i % 3000)));
      case 4 -> e.withIOS(new Event.IOS("17." + n % 5, "iPhone" + (12 + n % 4) + ",1", n % 13 == 0 ? 18 : 40 + n % 60));
      case 5 -> e.withChromeOS(new Event.ChromeOS("stable-channel", "12" + n % 4, "1560" + n % 9 + ".57.0",
          Duration.ofHours(1 + n % 30)));
      case 6 -> e.withStandalone(new Event.Standalone(n % 2 == 0 ? 8 : 32, List.of("x86", "x86-64", "x86-64-i9-9900K"),
          List.of("10de", "10de:2489", "10de:2489-535.104.05"), List.of("Linux", "Debian", "Debian-12", "Debian-12.8"),
          n % 5 == 0, n % 5 == 0 ? "n1-standard-16" : "", n % 3 == 0));
      case 7 -> e.withStandalone(new Event.Standalone(10, List.of("arm64", "arm64-64", "arm64-64-Apple_M1"),
          List.of("apple:m1"), List.of("Mac", "Mac-14", "Mac-14.6.1"), false, "", false));
      case 8 -> e.withStandalone(new Event.Standalone(16, List.of("x86", "x86-64", "x86-64-i5-1135G7"),
          List.of("8086", "8086:9a49"), List.of("Windows", "Windows-10", "Windows-10-19045"), false, "", false));
      default -> e.withPyOCD(new Event.PyOCD("nrf52840_dk"));
    };
    e = e.withFlags(n % 3 == 0, i % 37 == 5, i % 10 != 9);
    try {
      return JSON.writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static Event.Android android(int k, Duration uptime) {
    int phone = k % PHONES.length;
    int battery = k % 11 == 0 ? 21 : 55 + k % 45;
    int tenths = k % 17 == 0 ? 371 : 240 + k % 60;
    String getprop = "[ro.build.id]: [UP1A.2311" + k % 10 + ".001]\n[ro.product.brand]: [" + BRANDS[phone] + "]\n"
        + "[ro.product.device]: [" + PHONES[phone] + "]\n[ro.build.type]: [userdebug]\n"
        + "[ro.build.version.incremental]: [" + (10_000_000 + k) + "]\n";
    String battery1 = "Current Battery Service state:\n  level: " + battery + "\n  scale: 100\n  temperature: " + tenths + "\n";
    return new Event.Android(getprop, battery1, "", uptime);
  }

  /** Posts each machine's event through {@code agent}, then the operators' doings through {@code http}. */
  static void populate(TestHttp agent, TestHttp http, int size) throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> machines = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        int m = i;
        machines.add(pool.submit(() -> {
          send(agent, Paths.MACHINE_EVENT, event(m), id(m));
          operate(http, m);
          return null;
        }));
      }
      for (Future<?> f : machines) {
        f.get();
      }
    }
  }

  private static void operate(TestHttp http, int i) throws InterruptedException {
    String id = id(i);
    if (i % 10 == 5) {
      send(http, Paths.withId(Paths.SET_ATTACHED_DEVICE, id), "{\"AttachedDevice\":\"ssh\"}", id);
      send(http, Paths.withId(Paths.SUPPLY_CHROMEOS, id), "{\"SSHUserIP\":\"root@" + id
          + "\",\"SuppliedDimensions\":{\"gpu\":[\"MaliG52\"],\"cpu\":[\"arm64\"]}}", id);
    } else if (i % 10 < 4) {
      send(http, Paths.withId(Paths.SET_ATTACHED_DEVICE, id), "{\"AttachedDevice\":\"adb\"}", id);
    } else if (i % 10 == 4) {
      send(http, Paths.withId(Paths.SET_ATTACHED_DEVICE, id), "{\"AttachedDevice\":\"ios\"}", id);
    }
    if (i % 23 == 7) {
      send(http, Paths.withId(Paths.TOGGLE_MODE, id), "{}", id);
    }
    if (i % 29 == 11) {
      send(http, Paths.withId(Paths.TOGGLE_POWERCYCLE, id), "{}", id);
    }
    if (i % 31 == 3) {
      send(http, Paths.withId(Paths.SET_NOTE, id), "{\"Message\":\"USB hub flaky, see b/" + (310000 + i) + "\"}", id);
    }
  }

  /** As a power-cycle agent would: the Android hosts and Linux hosts have relays, one is unreachable. */
  static void reportPowerCycleStates(TestHttp powercycle, int size) {
    StringBuilder body = new StringBuilder("{\"Machines\":[");
    for (int i = 0; i < size; i++) {
      if (i % 10 < 4 || i % 10 == 6) {
        String state = i % 43 == 2 ? "in_error" : "available";
        body.append(body.charAt(body.length() - 1) == '[' ? "" : ",")
            .append("{\"MachineID\":\"").append(id(i)).append("\",\"PowerCycleState\":\"").append(state).append("\"}");
      }
    }
    check(powercycle.post(Paths.POWERCYCLE_STATE_UPDATE, body.append("]}").toString()), "power-cycle states");
  }

  /** A few machines whose agent went quiet {@code ago}: their Last Seen is flagged. */
  static void silence(Store store, int size, Duration ago) {
    for (int i = 13; i < size; i += 41) {
      Instant then = Instant.now().minus(ago.multipliedBy(1 + i % 5));
      store.updateExisting(id(i), Change.by("simulation"), d -> d.toBuilder().lastUpdated(then).build());
    }
  }

  /** Posts as agents do: a 503 (nothing written) is retried after a pause. */
  private static void send(TestHttp http, String path, String body, String id) throws InterruptedException {
    TestHttp.Reply reply = http.post(path, body);
    for (int attempt = 1; reply.status() == 503 && attempt < 5; attempt++) {
      Thread.sleep(200L * attempt);
      reply = http.post(path, body);
    }
    check(reply, id);
  }

  private static void check(TestHttp.Reply reply, String id) {
    if (reply.status() != 200) {
      throw new IllegalStateException(id + ": " + reply.status() + " " + reply.body());
    }
  }
}
