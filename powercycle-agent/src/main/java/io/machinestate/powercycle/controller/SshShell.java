package io.machinestate.powercycle.controller;

import com.jcraft.jsch.ChannelShell;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.machinestate.powercycle.config.SshLogin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Feeds command lines to a device's login shell over SSH and collects what it prints, as the Go
 * implementation did with {@code ssh -T}: power strips and switches have a command line interface,
 * not a POSIX shell, so the lines go on standard input rather than in an exec request.
 */
final class SshShell {
  /** What the device printed (standard output and error together) and its exit status, -1 if none. */
  record Output(String text, int exitStatus) {}

  private static final List<String> DEFAULT_IDENTITIES = List.of("id_ed25519", "id_ecdsa", "id_rsa");
  private static final Duration POLL = Duration.ofMillis(10);

  private final SshLogin login;
  private final boolean legacyAlgorithms;
  private final Duration timeout;

  /**
   * @param legacyAlgorithms also offer the old key exchanges, host keys and ciphers that the
   *     mPower's firmware still needs (the Go implementation passed {@code -oKexAlgorithms=+...})
   * @param timeout for connecting and again for the whole conversation
   */
  SshShell(SshLogin login, boolean legacyAlgorithms, Duration timeout) {
    this.login = login;
    this.legacyAlgorithms = legacyAlgorithms;
    this.timeout = timeout;
  }

  Output run(List<String> lines) throws IOException {
    Session session = connect();
    try {
      ChannelShell shell = (ChannelShell) session.openChannel("shell");
      shell.setPty(false);
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      shell.setOutputStream(output);
      shell.setExtOutputStream(output);
      // JSch sends end-of-file after the last byte, which ends the device's session.
      shell.setInputStream(new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
      shell.connect(millis(timeout));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!shell.isClosed()) {
        if (System.nanoTime() > deadline) {
          throw new IOException(login.target() + ": no end of session within " + timeout + "; output so far: " + output);
        }
        Thread.sleep(POLL);
      }
      return new Output(output.toString(StandardCharsets.UTF_8), shell.getExitStatus());
    } catch (JSchException e) {
      throw new IOException(login.target() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(login.target() + ": interrupted");
    } finally {
      session.disconnect();
    }
  }

  private Session connect() throws IOException {
    try {
      JSch jsch = new JSch();
      if (login.identity() != null) {
        jsch.addIdentity(login.identity().toString());
      } else {
        addDefaultIdentities(jsch);
      }
      if (login.knownHosts() != null) {
        jsch.setKnownHosts(login.knownHosts().toString());
      }
      Session session = jsch.getSession(login.user(), login.host(), login.port());
      session.setConfig("StrictHostKeyChecking", login.knownHosts() == null ? "no" : "yes");
      if (login.password() != null) {
        session.setPassword(login.password());
      }
      if (legacyAlgorithms) {
        append(session, "kex", "diffie-hellman-group14-sha1,diffie-hellman-group1-sha1");
        append(session, "server_host_key", "ssh-rsa,ssh-dss");
        append(session, "PubkeyAcceptedAlgorithms", "ssh-rsa");
        append(session, "cipher.c2s", "aes128-cbc,3des-cbc");
        append(session, "cipher.s2c", "aes128-cbc,3des-cbc");
      }
      session.connect(millis(timeout));
      return session;
    } catch (JSchException e) {
      throw new IOException(login.target() + ": cannot log in: " + e.getMessage(), e);
    }
  }

  /** Like {@code ssh}, tries the usual key files that exist. */
  private static void addDefaultIdentities(JSch jsch) throws JSchException {
    Path dir = Path.of(System.getProperty("user.home"), ".ssh");
    for (String name : DEFAULT_IDENTITIES) {
      Path key = dir.resolve(name);
      if (Files.isReadable(key)) {
        jsch.addIdentity(key.toString());
      }
    }
  }

  private static void append(Session session, String key, String algorithms) {
    session.setConfig(key, session.getConfig(key) + "," + algorithms);
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }
}
