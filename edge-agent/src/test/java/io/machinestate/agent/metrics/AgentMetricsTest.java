package io.machinestate.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
  @Test
  void valuesAreReadAtEachScrape() {
    AgentMetrics metrics = new AgentMetrics("2026-01-02T03:04:05Z-abc1234-dirty");
    AtomicBoolean open = new AtomicBoolean();
    AtomicLong failures = new AtomicLong();
    metrics.flag("edge_agent_description_stream_open", "whether the stream is open", open::get);
    metrics.count("edge_agent_description_stream_failures", "streams lost", failures::get);

    metrics.eventAccepted();
    open.set(true);
    failures.set(3);
    String text = metrics.scrape();
    assertTrue(text.contains("edge_agent_version{version=\"2026-01-02T03:04:05Z-abc1234-dirty\"} 1.0"), text);
    assertTrue(text.contains("# TYPE edge_agent_events_accepted_total counter\nedge_agent_events_accepted_total 1.0\n"), text);
    assertTrue(text.contains("# HELP edge_agent_description_stream_open whether the stream is open\n"
        + "# TYPE edge_agent_description_stream_open gauge\nedge_agent_description_stream_open 1.0\n"), text);
    assertTrue(text.contains("edge_agent_description_stream_failures_total 3.0"), text);

    metrics.flag("edge_agent_task_running", "added after the first scrape", () -> true);
    metrics.eventAccepted();
    text = metrics.scrape();
    assertTrue(text.contains("edge_agent_task_running 1.0"), text);
    assertTrue(text.contains("edge_agent_events_accepted_total 2.0"), text);
  }
}
