package io.machinestate.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.Event;
import io.machinestate.protocol.Journal.AuditEntry;
import io.machinestate.protocol.Journal.HistoryEntry;
import io.machinestate.protocol.Journal.Page;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.Paths;
import io.machinestate.server.CentralServer;
import io.machinestate.server.ServerConfig;
import io.machinestate.server.TestEvents;
import io.machinestate.server.TestHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audit and history rows for each kind of action, read back over HTTP, and still there after a restart. */
class JournalTest {
  static final ObjectMapper json = Json.newMapper();
  static final String M = "skia-journal";

  @TempDir
  Path dataDir;

  @Test
  void everyKindOfActionIsRecordedAndSurvivesARestart() throws Exception {
    int port;
    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir))) {
      port = server.port();
      TestHttp http = new TestHttp(port);
      Instant before = Instant.now();
      ok(http.post(Paths.MACHINE_EVENT, TestEvents.android(M)));
      ok(http.post(Paths.TOGGLE_MODE + M));
      ok(http.post(Paths.TOGGLE_MODE + M));
      ok(http.post(Paths.MACHINE_EVENT, lowBatteryAndForcedQuarantine()));
      ok(http.post(Paths.CLEAR_QUARANTINED + M));
      ok(http.post(Paths.MACHINE_EVENT, TestEvents.android(M)));
      ok(http.post(Paths.TOGGLE_POWERCYCLE + M));
      ok(http.post(Paths.POWERCYCLE_STATE_UPDATE, "{\"Machines\":[{\"MachineID\":\"" + M + "\",\"PowerCycleState\":\"available\"}]}"));
      ok(http.post(Paths.withId(Paths.POWERCYCLE_COMPLETE, M)));
      ok(http.post(Paths.SET_ATTACHED_DEVICE + M, "{\"AttachedDevice\":\"adb\"}"));
      ok(http.post(Paths.SET_NOTE + M, "{\"Message\":\"cable swapped\"}"));
      ok(http.post(Paths.SUPPLY_CHROMEOS + M, "{\"SSHUserIP\":\"root@h\",\"SuppliedDimensions\":{\"gpu\":[\"MaliG52\"]}}"));
      ok(http.post(Paths.REMOVE_DEVICE + M));
      ok(http.post(Paths.MACHINE_EVENT, TestEvents.android("skia-other")));
      ok(http.post(Paths.DELETE_MACHINE + "skia-other"));

      Page<AuditEntry> audit = audit(http, "?machine=" + M);
      assertEquals(List.of("remove_device", "supply_chromeos", "set_note", "set_attached_device",
          "powercycle_complete", "powercycle_state", "toggle_powercycle", "clear_quarantined",
          "toggle_mode", "toggle_mode"), audit.entries().stream().map(AuditEntry::action).toList());
      AuditEntry note = audit.entries().get(2);
      assertEquals("anonymous", note.user());
      assertEquals("{\"Message\":\"cable swapped\"}", note.body());
      assertTrue(!note.time().isBefore(before.minusSeconds(1)), note.time().toString());
      assertEquals("available", audit.entries().get(5).body());
      assertEquals("", audit.next());
      assertEquals(List.of("delete_machine"),
          audit(http, "?machine=skia-other").entries().stream().map(AuditEntry::action).toList());
      assertEquals(2, audit(http, "?action=toggle_mode").entries().size());
      assertEquals(0, audit(http, "?user=someone-else").entries().size());
      assertEquals(0, audit(http, "?until=" + before).entries().size());
      assertEquals(11, audit(http, "?since=" + before).entries().size());

      assertEquals(List.of("created", "device_attached", "maintenance_on", "maintenance_off", "quarantine_on",
          "recovery_start",
          "quarantine_off", "recovery_end", "powercycle_requested", "powercycle_done", "attached_device",
          "device_removed"), kinds(history(http, M, "")));
    }

    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(port).withDataDir(dataDir))) {
      TestHttp http = new TestHttp(server.port());
      assertEquals(12, kinds(history(http, M, "")).size());
      assertEquals(List.of("created", "device_attached", "deleted"), kinds(history(http, "skia-other", "")));
      Page<AuditEntry> first = audit(http, "?limit=4");
      assertEquals(4, first.entries().size());
      Page<AuditEntry> second = audit(http, "?limit=4&before=" + first.next());
      assertEquals(4, second.entries().size());
      assertTrue(second.entries().get(0).time().compareTo(first.entries().get(3).time()) <= 0);
      assertTrue(second.entries().stream().noneMatch(e -> first.entries().contains(e)), "pages overlap");

      Page<HistoryEntry> page = history(http, M, "?limit=10");
      assertEquals(10, page.entries().size());
      assertEquals(2, history(http, M, "?limit=10&before=" + page.next()).entries().size());
    }
  }

  @Test
  void badQueriesAre400() {
    try (CentralServer server = CentralServer.start(ServerConfig.defaults().withPort(0).withDataDir(dataDir))) {
      TestHttp http = new TestHttp(server.port());
      assertEquals(400, http.get(Paths.AUDIT + "?limit=0").status());
      assertEquals(400, http.get(Paths.AUDIT + "?limit=lots").status());
      assertEquals(400, http.get(Paths.AUDIT + "?since=yesterday").status());
      assertEquals(400, http.get(Paths.AUDIT + "?before=garbage").status());
      assertEquals(400, http.get(Paths.withId(Paths.MACHINE_HISTORY, M) + "?before=2026-11-24T10:00:00Z,nope").status());
      assertEquals(200, http.get(Paths.withId(Paths.MACHINE_HISTORY, "skia-never-seen")).status());
    }
  }

  private static String lowBatteryAndForcedQuarantine() throws Exception {
    Event e = json.readValue(TestEvents.android(M), Event.class);
    e = e.withAndroid(new Event.Android(e.android().getprop(), "  level: 5\n  scale: 100\n", "", Duration.ofHours(1)))
        .withFlags(false, true, false);
    return json.writeValueAsString(e);
  }

  private static void ok(TestHttp.Reply reply) {
    assertEquals(200, reply.status(), reply.body());
  }

  private static Page<AuditEntry> audit(TestHttp http, String query) throws Exception {
    TestHttp.Reply r = http.get(Paths.AUDIT + query);
    assertEquals(200, r.status(), r.body());
    return json.readValue(r.body(), new TypeReference<>() {});
  }

  private static Page<HistoryEntry> history(TestHttp http, String id, String query) throws Exception {
    TestHttp.Reply r = http.get(Paths.withId(Paths.MACHINE_HISTORY, id) + query);
    assertEquals(200, r.status(), r.body());
    return json.readValue(r.body(), new TypeReference<>() {});
  }

  private static List<String> kinds(Page<HistoryEntry> page) {
    return page.entries().stream().map(HistoryEntry::kind).toList().reversed();
  }
}
