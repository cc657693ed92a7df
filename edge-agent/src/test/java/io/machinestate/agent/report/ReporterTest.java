package io.machinestate.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.machinestate.agent.FakeCentral;
import io.machinestate.agent.device.Device;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReporterTest {
  @TempDir Path home;

  @Test
  void reportsAtStartAndWhenTriggeredAndSurvivesFailures() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Device flaky = (event, d) -> {
      if (reads.incrementAndGet() == 2) {
        throw new IllegalStateException("bug in a device reader");
      }
      return event;
    };
    Event.Host host = new Event.Host("m", "v", Instant.EPOCH);
    Interrogator interrogator = new Interrogator(host, Map.of(AttachedDevice.NODEVICE, flaky),
        () -> Description.builder().build(), () -> false, false, new ForcedQuarantine(home, "m"));
    List<Event> sent = new CopyOnWriteArrayList<>();
    try (Reporter reporter = new Reporter(interrogator, sent::add, Duration.ofHours(1))) {
      reporter.start();
      FakeCentral.await("the first event", 5, () -> sent.size() == 1);
      reporter.trigger();
      FakeCentral.await("the triggered event", 5, () -> sent.size() == 2);
      reporter.trigger();
      FakeCentral.await("another triggered event", 5, () -> sent.size() == 3);
    }
    assertEquals(3, reads.get());
  }

  @Test
  void reportsEveryInterval() throws Exception {
    Interrogator interrogator = new Interrogator(new Event.Host("m", "v", Instant.EPOCH), Map.of(),
        () -> Description.builder().build(), () -> false, false, new ForcedQuarantine(home, "m"));
    List<Event> sent = new CopyOnWriteArrayList<>();
    try (Reporter reporter = new Reporter(interrogator, sent::add, Duration.ofMillis(50))) {
      reporter.start();
      FakeCentral.await("several events", 5, () -> sent.size() >= 3);
    }
  }
}
