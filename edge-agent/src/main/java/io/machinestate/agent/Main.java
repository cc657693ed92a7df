package io.machinestate.agent;

import io.machinestate.logging.Logging;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar edge-agent.jar --server URL [flags]}; {@code --help} lists the flags. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    // Before any logger exists: one line per record, and log lines still written during shutdown.
    Logging.install();
    if (Flags.wantsHelp(args)) {
      System.out.print(Flags.usage());
      return;
    }
    AgentConfig config;
    try {
      config = Flags.parse(args, System.getenv(), BuildStamp.version());
    } catch (Flags.UsageException e) {
      System.err.println("edge-agent: " + e.getMessage() + "\n");
      System.err.print(Flags.usage());
      System.exit(2);
      return;
    }
    Agent agent;
    try {
      agent = Agent.start(config);
    } catch (IOException e) {
      System.err.println("edge-agent: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
