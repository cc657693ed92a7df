package io.machinestate.powercycle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.powercycle.testing.Eventually;
import io.machinestate.powercycle.testing.FakeCentralServer;
import io.machinestate.protocol.Json;
import io.machinestate.protocol.PowerCycleState;
import io.machinestate.protocol.Requests.PowerCycleStateForMachine;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class StateReporterTest {
  @Test
  void deliversOnceTheServerIsUpEndingWithTheLatestStates() throws Exception {
    try (FakeCentralServer server = new FakeCentralServer(false)) {
      server.stop();
      CentralServerClient client = new CentralServerClient(server.url(), new OkHttpClient(), Json.newMapper());
      try (StateReporter reporter = new StateReporter(client, Duration.ofMillis(50))) {
        reporter.start();
        reporter.report(List.of("a", "b"), PowerCycleState.AVAILABLE);
        reporter.report(List.of("b"), PowerCycleState.IN_ERROR);
        Map<String, PowerCycleState> expected = Map.of("a", PowerCycleState.AVAILABLE, "b", PowerCycleState.IN_ERROR);

        server.restart();

        Eventually.await("both states delivered", () -> stateOnServer(server).equals(expected));
        reporter.report(List.of("b"), PowerCycleState.AVAILABLE);
        Eventually.await("the recovery delivered", () -> stateOnServer(server).get("b") == PowerCycleState.AVAILABLE);
        assertEquals(PowerCycleState.AVAILABLE, stateOnServer(server).get("a"));
      }
    }
  }

  /** What the server holds after applying every update in order. */
  private static Map<String, PowerCycleState> stateOnServer(FakeCentralServer server) {
    Map<String, PowerCycleState> states = new HashMap<>();
    server.stateUpdates().forEach(u -> u.machines().forEach(
        (PowerCycleStateForMachine m) -> states.put(m.machineID(), m.powerCycleState())));
    return states;
  }
}
