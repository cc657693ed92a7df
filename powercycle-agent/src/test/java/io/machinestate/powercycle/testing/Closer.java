package io.machinestate.powercycle.testing;

import java.util.ArrayList;
import java.util.List;

/** Closes what a test opened, newest first, whether the test passed or not. */
public final class Closer implements AutoCloseable {
  private final List<AutoCloseable> resources = new ArrayList<>();

  public <T extends AutoCloseable> T add(T resource) {
    resources.add(resource);
    return resource;
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : resources.reversed()) {
      c.close();
    }
    resources.clear();
  }
}
