package io.machinestate.powercycle.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.powercycle.config.SynaccessConfig;
import io.machinestate.powercycle.testing.FakeSynaccess;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SynaccessControllerTest {
  private final OkHttpClient http = new OkHttpClient();
  private final FakeSynaccess strip = new FakeSynaccess(0);

  SynaccessControllerTest() throws IOException {}

  @AfterEach
  void tearDown() {
    strip.close();
  }

  @Test
  void switchesOutletsWithTheA3CommandAndBasicAuth() throws Exception {
    SynaccessController pdu = controller("admin", "admin");

    pdu.powerOff("skia-e-win-002");
    pdu.powerOn("skia-e-win-002");
    pdu.powerOn("skia-e-win-001");

    assertEquals(List.of("$A3 4 0", "$A3 4 1", "$A3 1 1"), strip.queries());
    String basic = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes());
    strip.commands().forEach(c -> assertEquals(basic, c.authorization()));
    assertEquals("synaccess \"rack3-pdu\"", pdu.name());
    assertEquals(Duration.ofMillis(100), pdu.offTime());
  }

  @Test
  void probesByReadingTheStartPage() throws Exception {
    assertEquals("HTTP 200", controller("admin", "admin").probe());
    assertEquals(List.of("/"), strip.paths());
    assertEquals(List.of(), strip.queries(), "nothing switched");

    strip.answer(401);
    IOException e = assertThrows(IOException.class, () -> controller("admin", "wrong").probe());
    assertEquals("synaccess \"rack3-pdu\": " + strip.address() + " answered HTTP 401 Unauthorized", e.getMessage());
  }

  @Test
  void aRefusedCommandIsAnError() {
    strip.answer(401);
    SynaccessController pdu = controller("admin", "wrong");

    IOException e = assertThrows(IOException.class, () -> pdu.powerOff("skia-e-win-001"));
    assertEquals("synaccess \"rack3-pdu\": switching outlet 1 off answered HTTP 401 Unauthorized", e.getMessage());
  }

  @Test
  void anUnreachableStripIsAnError() {
    strip.close();
    SynaccessController pdu = controller("admin", "admin");

    assertThrows(IOException.class, () -> pdu.powerOn("skia-e-win-001"));
  }

  @Test
  void refusesMachinesItDoesNotPower() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> controller("a", "b").powerOff("other"));
    assertTrue(e.getMessage().contains("does not power \"other\""));
  }

  private SynaccessController controller(String user, String password) {
    return new SynaccessController(new SynaccessConfig("rack3-pdu", strip.address(), user, password,
        Duration.ofMillis(100), Map.of("skia-e-win-001", 1, "skia-e-win-002", 4)), http);
  }
}
