package io.machinestate.agent.swarming;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs {@code python swarming_bot.zip start_bot} and starts it again whenever it exits, logging
 * its stderr. The bot restarts itself on upgrades by exiting, so an exit is not an error.
 */
public final class SwarmingBot implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(SwarmingBot.class.getName());

  private final Path python;
  private final Path botZip;
  private final String botId;
  private final Duration restartDelay;
  private final Thread thread;
  private volatile Process process;

  /** @param botId this machine's id, which the bot reads from its environment */
  public SwarmingBot(Path python, Path botZip, String botId, Duration restartDelay) {
    this.python = python;
    this.botZip = botZip;
    this.botId = botId;
    this.restartDelay = restartDelay;
    this.thread = Thread.ofVirtual().name("swarming-bot").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      while (true) {
        runOnce();
        Thread.sleep(restartDelay);
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  private void runOnce() throws InterruptedException {
    if (!Files.isRegularFile(botZip)) {
      LOG.log(Level.ERROR, "Swarming bot code {0} not found; looking again in {1} s", botZip, restartDelay.toSeconds());
      return;
    }
    LOG.log(Level.INFO, "Starting the Swarming bot: {0} {1} start_bot", python, botZip);
    try {
      ProcessBuilder builder = new ProcessBuilder(python.toString(), botZip.toString(), "start_bot")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      // The id may have come from --machine-id rather than the environment; the bot knows it only from here.
      builder.environment().put("SWARMING_BOT_ID", botId);
      // Tells the bot that its host was set up by us, not by its own bootstrap.
      builder.environment().put("SWARMING_EXTERNAL_BOT_SETUP", "1");
      process = builder.start();
      try (BufferedReader stderr = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = stderr.readLine()) != null) {
          LOG.log(Level.INFO, "Swarming: {0}", line);
        }
      } catch (IOException e) {
        // The bot died or was killed; its exit code says which.
      }
      LOG.log(Level.WARNING, "Swarming bot exited with code {0}", process.waitFor());
    } catch (IOException e) {
      LOG.log(Level.ERROR, "Cannot start the Swarming bot: {0}", e.getMessage());
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    Process p = process;
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
  }
}
