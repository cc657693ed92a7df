package io.machinestate.powercycle.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * An in-process SSH server on 127.0.0.1 standing in for an mPower strip, an EdgeSwitch or a test
 * machine: it reads the login shell's input line by line, records each line, and answers with what
 * {@code device} makes of it. A command run instead of the login shell (an exec request) gets the
 * device given to {@link #onCommand}, or exits 127.
 */
public final class FakeSshDevice implements AutoCloseable {
  /** What the device prints for a line, and the session's exit status if it is the last line. */
  public record Reply(String output, int exitStatus) {}

  /** A line received, by whom, how they logged in, and the command that read it (null: the login shell). */
  public record Line(String user, String auth, String text, String command) {}

  private static final AttributeKey<String> AUTH = new AttributeKey<>();

  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private final List<String> passwordsTried = new CopyOnWriteArrayList<>();
  private final Map<String, Function<String, Reply>> commands = new ConcurrentHashMap<>();
  private final SimpleGeneratorHostKeyProvider hostKey = new SimpleGeneratorHostKeyProvider();
  private final SshServer sshd;

  /**
   * @param password accepted for {@code user}, or null
   * @param publicKey the OpenSSH form ({@code "ecdsa-sha2-nistp256 AAAA..."}) of the key accepted
   *     for {@code user}, or null
   */
  public FakeSshDevice(String user, String password, String publicKey, Function<String, Reply> device)
      throws IOException {
    sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(0);
    sshd.setKeyPairProvider(hostKey);
    sshd.setPasswordAuthenticator((u, p, session) -> {
      passwordsTried.add(p);
      boolean ok = password != null && u.equals(user) && p.equals(password);
      if (ok) {
        session.setAttribute(AUTH, "password");
      }
      return ok;
    });
    sshd.setPublickeyAuthenticator((u, key, session) -> {
      boolean ok = publicKey != null && u.equals(user) && sameKey(key, publicKey);
      if (ok) {
        session.setAttribute(AUTH, "publickey");
      }
      return ok;
    });
    sshd.setShellFactory(channel -> new Shell(null, device));
    sshd.setCommandFactory((channel, command) -> new Shell(command,
        commands.getOrDefault(command, line -> new Reply("sh: " + command + ": not found\n", 127))));
    sshd.start();
  }

  /** How the device answers the lines fed to {@code command}. */
  public FakeSshDevice onCommand(String command, Function<String, Reply> device) {
    commands.put(command, device);
    return this;
  }

  /** Every password a client sent, right or wrong. */
  public List<String> passwordsTried() {
    return List.copyOf(passwordsTried);
  }

  public int port() {
    return sshd.getPort();
  }

  /** This device's line for a {@code known_hosts} file. */
  public String knownHostsLine() throws Exception {
    PublicKey key = hostKey.loadKeys(null).iterator().next().getPublic();
    return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(key);
  }

  public List<Line> lines() {
    return List.copyOf(lines);
  }

  public List<String> texts() {
    return lines.stream().map(Line::text).toList();
  }

  @Override
  public void close() throws IOException {
    sshd.stop(true);
  }

  private static boolean sameKey(PublicKey key, String openSsh) {
    String[] parts = PublicKeyEntry.toString(key).split(" ");
    return openSsh.split(" ")[1].equals(parts[1]);
  }

  private final class Shell implements Command {
    private final String command;
    private final Function<String, Reply> device;
    private InputStream in;
    private OutputStream out;
    private ExitCallback exit;

    Shell(String command, Function<String, Reply> device) {
      this.command = command;
      this.device = device;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {}

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      String user = channel.getSession().getUsername();
      String auth = channel.getSession().getAttribute(AUTH);
      Thread.ofVirtual().start(() -> {
        int status = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          for (String line; (line = reader.readLine()) != null; ) {
            lines.add(new Line(user, auth, line, command));
            Reply reply = device.apply(line);
            out.write(reply.output().getBytes(StandardCharsets.UTF_8));
            out.flush();
            status = reply.exitStatus();
          }
        } catch (IOException e) {
          status = 255;
        }
        exit.onExit(status);
      });
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
