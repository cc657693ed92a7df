package io.machinestate.server.store;

import io.machinestate.protocol.Annotation;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Times;
import io.machinestate.server.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** What every write does to a Description, whoever wrote it (SPEC §4, "Applied on every write"). */
public final class WriteRules {
  static final String POOL_NOT_FOUND = "PoolNotFound";

  private record CompiledPool(String name, Pattern regex) {}

  private final List<CompiledPool> pools;

  public WriteRules(List<ServerConfig.Pool> pools) {
    this.pools = pools.stream().map(p -> new CompiledPool(p.name(), Pattern.compile(p.regex()))).toList();
  }

  public Description apply(String machineId, Description d) {
    Map<String, List<String>> dims = new TreeMap<>();
    d.dimensions().forEach((k, v) -> {
      if (v != null && !v.isEmpty()) {
        dims.put(k, List.copyOf(v));
      }
    });
    dims.putIfAbsent("id", List.of(machineId));
    dims.putIfAbsent("task_type", List.of("swarming"));
    List<String> pool = dims.get("pool");
    if (pool == null || pool.size() != 1 || !isPoolName(pool.get(0))) {
      dims.put("pool", List.of(poolFor(machineId)));
    }
    List<String> quarantined = quarantineReasons(d);
    if (quarantined.isEmpty()) {
      dims.remove("quarantined");
    } else {
      dims.put("quarantined", List.of(String.join(", ", quarantined)));
    }
    return d.toBuilder()
        .dimensions(dims)
        .lastUpdated(Times.toMillis(d.lastUpdated()))
        .recoveryStart(Times.toMillis(d.recoveryStart()))
        .taskStarted(Times.toMillis(d.taskStarted()))
        .annotation(millis(d.annotation()))
        .note(millis(d.note()))
        .build();
  }

  private boolean isPoolName(String name) {
    return pools.stream().anyMatch(p -> p.name.equals(name));
  }

  private String poolFor(String machineId) {
    return pools.stream()
        .filter(p -> p.regex.matcher(machineId).find())
        .map(CompiledPool::name)
        .findFirst()
        .orElse(POOL_NOT_FOUND);
  }

  private static List<String> quarantineReasons(Description d) {
    List<String> parts = new ArrayList<>();
    if (!d.maintenanceMode().isEmpty()) {
      parts.add("Maintenance: " + d.maintenanceMode());
    }
    if (d.isQuarantined()) {
      parts.add("Forced Quarantine");
    }
    if (!d.recovering().isEmpty()) {
      parts.add("Recovering: " + d.recovering());
    }
    return parts;
  }

  private static Annotation millis(Annotation a) {
    return new Annotation(a.message(), a.user(), Times.toMillis(a.timestamp()));
  }
}
