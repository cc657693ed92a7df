package io.machinestate.server;

import io.machinestate.logging.Logging;
import io.machinestate.server.auth.Tokens;
import io.machinestate.server.store.ConnectionString;
import io.machinestate.server.store.Database;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code java -jar central-server.jar [init-db | new-token | hash-token] [flags]}; see {@link Flags#usage}. */
public final class Main {
  static {
    Logging.install(); // before the Logger below, so the shutdown's last words are kept
  }

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Flags.Parsed parsed;
    try {
      parsed = Flags.parse(args, System.getenv());
    } catch (Exception e) {
      System.err.println("central-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (parsed.help()) {
      System.out.print(Flags.usage());
      return;
    }
    ServerConfig config = parsed.config();
    try {
      if (parsed.command().equals("new-token")) {
        Tokens.printNew(System.out);
        return;
      }
      if (parsed.command().equals("hash-token")) {
        Tokens.printHash(System.in, System.out);
        return;
      }
      if (parsed.command().equals("init-db")) {
        if (config.embeddedDatabase()) {
          System.err.println("central-server: init-db needs --db");
          System.exit(2);
        }
        Database.init(ConnectionString.parse(config.db()));
        return;
      }
      CentralServer server = CentralServer.start(config);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("stopping: draining requests and closing SSE streams");
        server.close();
        stopped.countDown();
      }, "shutdown"));
      // a server without its database would answer 503 forever: exit, so systemd or Kubernetes restarts it
      server.failure().thenRun(() -> {
        LOG.severe("the embedded database died and could not be restarted; exiting");
        System.exit(1);
      });
      stopped.await();
    } catch (RuntimeException | IOException e) {
      LOG.log(Level.SEVERE, "central-server failed: " + e.getMessage(), e);
      System.exit(1);
    }
  }
}
