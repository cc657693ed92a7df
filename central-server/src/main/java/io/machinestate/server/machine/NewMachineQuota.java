package io.machinestate.server.machine;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.machinestate.server.auth.Principal;
import io.machinestate.server.auth.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * How many machines one agent token may create in an hour: its machine pattern may match any
 * number of ids, so a leaked token could otherwise fill the fleet with phantoms. Counted by each
 * replica on its own, over the last hour; people and an open server are not limited.
 */
final class NewMachineQuota {
  private static final Logger LOG = Logger.getLogger(NewMachineQuota.class.getName());
  private static final Duration WINDOW = Duration.ofHours(1);

  private final int perHour;
  private final Clock clock;
  private final Map<String, Deque<Instant>> created = new HashMap<>();
  /** Tokens refused since they last created one, so a refusal is logged once, not every 30 s. */
  private final Set<String> refusing = new HashSet<>();

  /** @param perHour 0 for no limit */
  NewMachineQuota(int perHour, Clock clock) {
    this.perHour = perHour;
    this.clock = clock;
  }

  /** Counts a machine {@code principal} is about to create; 429 when it has created its hour's worth. */
  synchronized void admit(Principal principal, String machineId) {
    if (perHour == 0 || principal.role() != Role.AGENT) {
      return;
    }
    Instant now = clock.instant();
    Deque<Instant> times = created.computeIfAbsent(principal.name(), n -> new ArrayDeque<>());
    while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(WINDOW))) {
      times.removeFirst();
    }
    if (times.size() >= perHour) {
      String why = "token " + principal.name() + " has created " + times.size()
          + " machines in the last hour, the most allowed (--max-new-machines-per-hour)";
      if (refusing.add(principal.name())) {
        LOG.warning("refused new machine " + machineId + ": " + why + "; further refusals are not logged");
      }
      throw new HttpException(why, Status.TOO_MANY_REQUESTS_429);
    }
    refusing.remove(principal.name());
    times.addLast(now);
  }
}
