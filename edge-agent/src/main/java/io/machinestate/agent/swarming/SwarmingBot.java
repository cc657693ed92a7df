package io.machinestate.agent.swarming;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs {@code python swarming_bot.zip start_bot}, downloading the zip first when it is missing,
 * and starts the bot again whenever it exits: the bot restarts itself on upgrades by exiting, so
 * an exit is not an error.
 *
 * <p>The bot's standard error goes straight to the agent's (the journal, under systemd), not
 * through the agent, so that a bot left running outlives the agent without losing its output.
 * With {@link BotLaunch#leaveRunning()}, closing the agent leaves the bot and its task running and
 * notes them in {@link Settings#note()}; the next agent takes the bot over, with the task's state,
 * and starts a new one only once it exits. That is how an agent is upgraded without killing a task.
 */
public final class SwarmingBot implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(SwarmingBot.class.getName());
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /**
   * @param botId this machine's id, which the bot reads from its environment
   * @param note where the bot's process is noted for the next agent
   */
  public record Settings(BotLaunch launch, String botId, Duration restartDelay, Path note) {
    Path python() {
      return launch.python();
    }

    Path botZip() {
      return launch.botZip();
    }
  }

  private final Settings settings;
  private final BotCode code;
  private final AtomicBoolean runningTask;
  private final ObjectMapper mapper;
  private final Thread thread;
  private volatile ProcessHandle bot;

  /**
   * @param code downloads the zip when it is missing
   * @param runningTask whether Swarming runs a task; set from the note of a bot taken over
   */
  public SwarmingBot(Settings settings, BotCode code, AtomicBoolean runningTask, ObjectMapper mapper) {
    this.settings = settings;
    this.code = code;
    this.runningTask = runningTask;
    this.mapper = mapper;
    this.thread = Thread.ofVirtual().name("swarming-bot").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      Optional<RunningBot> left = RunningBot.read(settings.note(), mapper);
      Optional<ProcessHandle> adopted = left.flatMap(RunningBot::process);
      if (adopted.isPresent()) {
        LOG.log(Level.INFO, "Taking over the Swarming bot left running, process {0}{1}",
            String.valueOf(adopted.get().pid()), left.get().taskRunning() ? ", which runs a task" : "");
        runningTask.set(left.get().taskRunning());
        watch(adopted.get(), () -> ""); // not our child: its exit code is not ours to read
      } else if (left.isPresent()) {
        forget();
      }
      while (true) {
        runOnce();
        Thread.sleep(settings.restartDelay());
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  private void runOnce() throws InterruptedException {
    if (!Files.isRegularFile(settings.botZip())) {
      try {
        code.download(settings.botId(), settings.botZip());
      } catch (IOException e) {
        LOG.log(Level.ERROR, "Cannot download the Swarming bot''s code: {0}; trying again in {1} s",
            e.getMessage(), settings.restartDelay().toSeconds());
        return;
      }
    }
    LOG.log(Level.INFO, "Starting the Swarming bot: {0} {1} start_bot", settings.python(), settings.botZip());
    ProcessBuilder builder = new ProcessBuilder(settings.python().toString(), settings.botZip().toString(), "start_bot")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    // The id may have come from --machine-id rather than the environment; the bot knows it only from here.
    builder.environment().put("SWARMING_BOT_ID", settings.botId());
    // Tells the bot that its host was set up by us, not by its own bootstrap.
    builder.environment().put("SWARMING_EXTERNAL_BOT_SETUP", "1");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      LOG.log(Level.ERROR, "Cannot start the Swarming bot: {0}", e.getMessage());
      return;
    }
    // Nothing is written to the bot, and a pipe held by this agent must not outlive it.
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // never written to
    }
    note(RunningBot.of(process.toHandle(), false));
    watch(process.toHandle(), () -> " with code " + process.exitValue());
  }

  /**
   * Waits for the bot to exit; when closed meanwhile, leaves the note for whoever takes the bot over.
   *
   * @param exit how it exited, for the log
   */
  private void watch(ProcessHandle process, Supplier<String> exit) throws InterruptedException {
    bot = process;
    try {
      process.onExit().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
    bot = null;
    runningTask.set(false); // an ended bot runs no task
    LOG.log(Level.WARNING, "Swarming bot (process {0}) exited{1}", String.valueOf(process.pid()), exit.get());
    forget();
  }

  /** @return whether the note was written; without it, the next agent would start a second bot */
  private boolean note(RunningBot running) {
    try {
      running.write(settings.note(), mapper);
      return true;
    } catch (IOException e) {
      LOG.log(Level.ERROR, "Cannot note the running bot in {0}: {1}", settings.note(), e.getMessage());
      return false;
    }
  }

  private void forget() {
    try {
      Files.deleteIfExists(settings.note());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Cannot remove the note {0} of an ended bot: {1}", settings.note(), e.getMessage());
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      // The note is then written by this thread alone.
      thread.join(CLOSE_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ProcessHandle p = bot;
    if (p == null || !p.isAlive()) {
      return;
    }
    if (settings.launch().leaveRunning() && note(RunningBot.of(p, runningTask.get()))) {
      LOG.log(Level.INFO, "Leaving the Swarming bot (process {0}) running for the next agent", String.valueOf(p.pid()));
      return;
    }
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    forget();
  }
}
