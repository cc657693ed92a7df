package io.machinestate.powercycle.controller;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelShell;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.OpenSSHConfig;
import com.jcraft.jsch.Session;
import io.machinestate.powercycle.config.SshLogin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
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
  private static final System.Logger LOG = System.getLogger(SshShell.class.getName());

  /** What the device printed (standard output and error together) and its exit status, -1 if none. */
  record Output(String text, int exitStatus) {}

  /**
   * How to reach a host.
   *
   * @param home the user's home: the default keys in {@code ~/.ssh}
   * @param legacyAlgorithms also offer the old key exchanges, host keys and ciphers that the
   *     mPower's firmware still needs (the Go implementation passed {@code -oKexAlgorithms=+...})
   * @param sshConfig apply {@code ~/.ssh/config} (HostName, User, Port, IdentityFile) as
   *     {@code ssh} does; for the machines, which Go reached with plain {@code ssh}
   * @param timeout for connecting and again for the whole conversation
   */
  record Setup(Path home, boolean legacyAlgorithms, boolean sshConfig, Duration timeout) {}

  private static final List<String> DEFAULT_IDENTITIES = List.of("id_ed25519", "id_ecdsa", "id_rsa");
  private static final Duration POLL = Duration.ofMillis(10);

  private final SshLogin login;
  private final Setup setup;

  SshShell(SshLogin login, Setup setup) {
    this.login = login;
    this.setup = setup;
  }

  /** Says at every start that a device's host key goes unchecked, since a password may follow. */
  static void warnIfUnchecked(String controller, SshLogin login) {
    if (login.knownHosts() == null) {
      LOG.log(Level.WARNING, "{0}: the host key of {1} is NOT checked (accept_any_host_key: true); anyone answering "
          + "at that address receives the login", controller, login.target());
    }
  }

  /** The lines on the login shell's standard input. */
  Output run(List<String> lines) throws IOException {
    return converse(null, lines);
  }

  /** The lines on the standard input of {@code command}, run instead of the login shell. */
  Output run(String command, List<String> lines) throws IOException {
    return converse(command, lines);
  }

  private Output converse(String command, List<String> lines) throws IOException {
    Session session = connect();
    try {
      Channel channel;
      if (command == null) {
        ChannelShell shell = (ChannelShell) session.openChannel("shell");
        shell.setPty(false);
        channel = shell;
      } else {
        ChannelExec exec = (ChannelExec) session.openChannel("exec");
        exec.setCommand(command);
        channel = exec;
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      channel.setOutputStream(output);
      channel.setExtOutputStream(output);
      // JSch sends end-of-file after the last byte, which ends the device's session.
      channel.setInputStream(new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
      channel.connect(millis(setup.timeout()));
      long deadline = System.nanoTime() + setup.timeout().toNanos();
      while (!channel.isClosed()) {
        if (System.nanoTime() > deadline) {
          throw new IOException(login.target() + ": no end of session within " + setup.timeout() + "; output so far: " + output);
        }
        Thread.sleep(POLL);
      }
      return new Output(output.toString(StandardCharsets.UTF_8), channel.getExitStatus());
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
      Path sshConfig = setup.home().resolve(".ssh/config");
      if (setup.sshConfig() && Files.isReadable(sshConfig)) {
        jsch.setConfigRepository(OpenSSHConfig.parseFile(sshConfig.toString()));
      }
      if (login.identity() != null) {
        jsch.addIdentity(login.identity().toString());
      } else {
        addDefaultIdentities(jsch);
      }
      // A missing file is an empty one: every key is unknown, so nothing is sent.
      if (login.knownHosts() != null && Files.exists(login.knownHosts())) {
        jsch.setKnownHosts(login.knownHosts().toString());
      }
      Session session = jsch.getSession(login.user(), login.host(), login.port());
      session.setConfig("StrictHostKeyChecking", login.knownHosts() == null ? "no" : "yes");
      if (login.password() != null) {
        session.setPassword(login.password());
      }
      if (setup.legacyAlgorithms()) {
        append(session, "kex", "diffie-hellman-group14-sha1,diffie-hellman-group1-sha1");
        append(session, "server_host_key", "ssh-rsa,ssh-dss");
        append(session, "PubkeyAcceptedAlgorithms", "ssh-rsa");
        append(session, "cipher.c2s", "aes128-cbc,3des-cbc");
        append(session, "cipher.s2c", "aes128-cbc,3des-cbc");
      }
      try {
        session.connect(millis(setup.timeout()));
      } catch (JSchException e) {
        if (login.knownHosts() != null && e.getMessage().contains("HostKey")) {
          throw new IOException(login.target() + ": host key not accepted, nothing sent: it is not (or differently) in "
              + login.knownHosts() + "; once you trust it: ssh-keyscan -p " + login.port() + " " + login.host()
              + " >> " + login.knownHosts() + " (" + e.getMessage() + ")", e);
        }
        throw e;
      }
      return session;
    } catch (JSchException e) {
      throw new IOException(login.target() + ": cannot log in: " + e.getMessage(), e);
    }
  }

  /** Like {@code ssh}, tries the usual key files that exist. */
  private void addDefaultIdentities(JSch jsch) throws JSchException {
    Path dir = setup.home().resolve(".ssh");
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
