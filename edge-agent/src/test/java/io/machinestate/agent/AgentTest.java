package io.machinestate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.machinestate.agent.host.HostDevice;
import io.machinestate.agent.tools.FakeTools;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.testing.TestCa;
import io.machinestate.testing.TokenFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent against a stand-in central server, with fake device tools. */
class AgentTest {
  static final String ID = "skia-rpi2-rack4-shelf1-002";
  static final HostDevice.Hardware HARDWARE = new HostDevice.Hardware(4, List.of("arm64", "arm64-64"), List.of("none"),
      List.of("Linux", "Debian", "Debian-12"));

  @TempDir Path dir;
  final ObjectMapper mapper = Json.newMapper();
  final HttpClient http = HttpClient.newHttpClient();
  FakeTools tools;
  FakeCentral central;
  Agent agent;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(dir.resolve("bin"));
    tools = new FakeTools(dir.resolve("bin"));
    tools.script("adb", tools.recordCall("adb") + "\n"
        + "case \"$*\" in\n"
        + "  get-state) echo device ;;\n"
        + "  'shell cat /proc/uptime') echo '100.5 200.1' ;;\n"
        + "  'shell getprop') echo '[ro.build.id]: [QQ3A.200805.001]' ;;\n"
        + "esac");
    central = FakeCentral.start();
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close();
    }
    central.close();
  }

  /** @param extra more flags; a flag given twice takes the later value */
  private AgentConfig config(int serverPort, String... extra) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    List<String> args = new ArrayList<>(List.of(
        "--server", "http://127.0.0.1:" + serverPort,
        "--machine-id", ID,
        "--port", "0",
        "--state-dir", dir.resolve("state").toString(),
        "--home", dir.toString(),
        "--ssh-machine-file", dir.resolve("ssh_machine.json").toString(),
        "--gce-metadata-host", "127.0.0.1:" + closedPort,
        "--tool-timeout", "1"));
    args.addAll(List.of(extra));
    return Flags.parse(args.toArray(String[]::new), Map.of("PATH", tools.path()), "test")
        .withIntervals(Duration.ofHours(1), Duration.ofHours(1));
  }

  @SuppressWarnings("unchecked")
  private Map<String, List<String>> dimensions() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.hookPort() + "/get_dimensions"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"pool\": [\"Skia\"]}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return mapper.readValue(r.body(), Map.class);
  }

  private String reported() throws Exception {
    List<String> values = dimensions().get("reported");
    return values == null ? "" : values.get(0);
  }

  @Test
  void reportsTheHostThenFollowsTheOperatorsChoiceOfDevice() throws Exception {
    agent = Agent.start(config(central.port()), () -> HARDWARE);
    FakeCentral.await("the first event", 5, () -> !central.accepted().isEmpty());
    Event first = central.accepted().get(0);
    assertEquals(new Event.Host(ID, "test", first.host().startTime()), first.host());
    assertEquals(4, first.standalone().cores());
    FakeCentral.await("dimensions from the server", 5, () -> ID.equals(agent.description().dimension("id")));
    assertEquals(Map.of("id", List.of(ID), "reported", List.of("standalone"), "pool", List.of("Skia")), dimensions());

    // The intervals are an hour: only the change of device can cause the next event.
    central.setDescription(ID, central.description(ID).toBuilder().attachedDevice(AttachedDevice.ADB).build());
    FakeCentral.await("an event with the phone", 5, () -> "android".equals(agent.description().dimension("reported")));
    assertEquals("android", reported());
  }

  @Test
  void sendsTheTokenOnEveryRequestToTheServerAndNeverToTheMetadataServer() throws Exception {
    Path tokenFile = TokenFiles.write(dir.resolve("token"), "agent-token-1\n");
    List<String> metadataAuthorizations = new CopyOnWriteArrayList<>();
    HttpServer metadata = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    metadata.createContext("/", exchange -> {
      String header = exchange.getRequestHeaders().getFirst("Authorization");
      metadataAuthorizations.add(header == null ? "none" : header);
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    metadata.start();
    try {
      agent = Agent.start(config(central.port(), "--token-file", tokenFile.toString(),
          "--gce-metadata-host", "127.0.0.1:" + metadata.getAddress().getPort()), () -> HARDWARE);
      FakeCentral.await("an event, a GET and the stream", 5,
          () -> !central.accepted().isEmpty() && central.descriptionGets() > 0 && central.sseConnections() > 0);
      FakeCentral.await("the question to the metadata server", 5, () -> !metadataAuthorizations.isEmpty());

      List<String> authorizations = central.authorizations();
      for (String path : List.of(Paths.MACHINE_EVENT, Paths.MACHINE_DESCRIPTION, Paths.MACHINE_SSE)) {
        assertTrue(authorizations.stream().anyMatch(a -> a.startsWith(path)), path + " in " + authorizations);
      }
      assertTrue(authorizations.stream().allMatch(a -> a.endsWith(" Bearer agent-token-1")), authorizations.toString());
      assertEquals(List.of("none"), metadataAuthorizations);
    } finally {
      metadata.stop(0);
    }
  }

  @Test
  void overHttpsWithAPrivateCaTheTokenReachesEventsDescriptionsAndTheStream() throws Exception {
    TestCa ca = TestCa.create(Files.createDirectories(dir.resolve("ca")));
    Path tokenFile = TokenFiles.write(dir.resolve("token"), "agent-token-1\n");
    try (FakeCentral https = FakeCentral.startHttps(ca)) {
      agent = Agent.start(config(https.port(), "--server", https.url().toString(), "--token-file", tokenFile.toString(),
          "--ca-cert", ca.caPem().toString()), () -> HARDWARE);
      FakeCentral.await("an event, a GET and the stream over https", 10,
          () -> !https.accepted().isEmpty() && https.descriptionGets() > 0 && https.sseConnections() > 0);
      List<String> authorizations = https.authorizations();
      assertTrue(authorizations.stream().anyMatch(a -> a.startsWith(Paths.MACHINE_SSE)), authorizations.toString());
      assertTrue(authorizations.stream().allMatch(a -> a.endsWith(" Bearer agent-token-1")), authorizations.toString());
      agent.close();
      agent = null;
    }
  }

  @Test
  void withoutATokenNoAuthorizationIsSent() throws Exception {
    agent = Agent.start(config(central.port()), () -> HARDWARE);
    FakeCentral.await("an event and the stream", 5, () -> !central.accepted().isEmpty() && central.sseConnections() > 0);
    assertTrue(central.authorizations().stream().allMatch(a -> a.endsWith(" none")), central.authorizations().toString());
  }

  @Test
  void healthAndMetricsAreServedOnTheHookPort() throws Exception {
    agent = Agent.start(config(central.port()), () -> HARDWARE);
    FakeCentral.await("an event and the stream", 5, () -> !central.accepted().isEmpty() && central.sseConnections() > 0);
    URI base = URI.create("http://127.0.0.1:" + agent.hookPort());
    assertEquals(200, http.send(HttpRequest.newBuilder(base.resolve("/healthz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    FakeCentral.await("the open stream and the accepted event in the metrics", 5, () -> {
      String text = body(base.resolve("/metrics"));
      return text.contains("edge_agent_description_stream_open 1.0") && text.contains("edge_agent_events_accepted_total 1.0")
          && text.contains("edge_agent_description_stream_failures_total 0.0");
    });
  }

  private String body(URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void afterATaskRebootsTheDeviceAndReportsAgain() throws Exception {
    central.setDescription(ID, Description.builder().attachedDevice(AttachedDevice.ADB)
        .dimensions(Map.of("android_devices", List.of("1"))).build());
    agent = Agent.start(config(central.port()), () -> HARDWARE);
    FakeCentral.await("the first event", 5, () -> central.accepted().size() == 1);
    assertTrue(central.accepted().get(0).android().populated());
    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.hookPort() + "/on_before_task")).build(),
        HttpResponse.BodyHandlers.ofString());
    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.hookPort() + "/on_after_task")).build(),
        HttpResponse.BodyHandlers.ofString());
    FakeCentral.await("an event after the task", 5, () -> central.accepted().size() == 2);
    assertTrue(tools.calls().contains("adb reboot"), tools.calls().toString());
    assertEquals(false, central.accepted().get(1).runningSwarmingTask());
  }

  @Test
  void aMissingDeviceStillSendsTheEvent() throws Exception {
    Files.delete(tools.dir().resolve("adb"));
    central.setDescription(ID, Description.builder().attachedDevice(AttachedDevice.ADB).build());
    agent = Agent.start(config(central.port()), () -> HARDWARE);
    FakeCentral.await("the first event", 5, () -> central.accepted().size() == 1);
    assertEquals("none", FakeCentralReported.of(central.accepted().get(0)));
  }

  @Test
  void restartedWhileTheServerIsDownItAnswersFromTheSavedDescriptionThenCatchesUp() throws Exception {
    central.setDescription(ID, Description.builder().maintenanceMode("alice 2026-11-24T10:00:00Z").build());
    agent = Agent.start(config(central.port()), () -> HARDWARE);
    FakeCentral.await("dimensions from the server", 5, () -> "standalone".equals(agent.description().dimension("reported")));
    int port = central.port();
    central.close();
    agent.close();

    agent = Agent.start(config(port), () -> HARDWARE);
    assertEquals("standalone", reported());
    assertEquals("alice 2026-11-24T10:00:00Z", agent.description().maintenanceMode());

    central = FakeCentral.start(port);
    central.goStyle();
    FakeCentral.await("the event once the server is back", 10, () -> !central.accepted().isEmpty());
    central.setDescription(ID, central.description(ID).toBuilder().maintenanceMode("").build());
    FakeCentral.await("the operator's change", 10, () -> agent.description().maintenanceMode().isEmpty());
  }

  /** Which sub-record an event carried, as the stand-in server names it. */
  private static final class FakeCentralReported {
    static String of(Event e) {
      if (e.android().populated()) return "android";
      if (e.standalone().populated()) return "standalone";
      return "none";
    }
  }
}
