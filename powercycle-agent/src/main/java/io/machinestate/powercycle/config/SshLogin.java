package io.machinestate.powercycle.config;

import java.nio.file.Path;

/**
 * How to log in to a device over SSH.
 *
 * @param password null for public-key authentication
 * @param identity private key file; null for the usual {@code ~/.ssh/id_*} files
 * @param knownHosts the device's host key must be listed there before anything (a password) is
 *     sent; null only when the configuration opts out with {@code accept_any_host_key}
 */
public record SshLogin(String host, int port, String user, String password, Path identity, Path knownHosts) {
  public String target() {
    return user + "@" + host + ":" + port;
  }
}
