package io.machinestate.powercycle.cycle;

import java.time.Duration;

/**
 * Timings of the agent.
 *
 * @param pollInterval how often the request list is fetched besides following the push stream
 * @param retryInterval the longest wait between attempts to reach the server or a failed controller
 * @param sshTimeout to connect to an SSH device, and again for one conversation with it
 */
public record AgentSettings(Duration pollInterval, Duration retryInterval, Duration sshTimeout) {
  public static AgentSettings defaults() {
    return new AgentSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(15));
  }
}
