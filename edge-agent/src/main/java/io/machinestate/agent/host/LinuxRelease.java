package io.machinestate.agent.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Debian-family host's distribution and version, read as Swarming reads them rather than as
 * OSHI does: Debian's point release comes from {@code /etc/debian_version} ("12.11", where
 * os-release says only "12"), Ubuntu's from {@code /etc/lsb-release} ("22.04", without the
 * ".3 LTS"), and a Raspberry Pi OS is "raspbian". Tasks are pinned to these exact strings.
 *
 * @param platform lower case: "debian", "ubuntu", "linuxmint", "raspbian"
 */
public record LinuxRelease(String platform, String version) {
  private static final Pattern LSB_ID = Pattern.compile("(?m)^DISTRIB_ID=\"?([^\"\\n]*)\"?$");
  private static final Pattern LSB_RELEASE = Pattern.compile("(?m)^DISTRIB_RELEASE=\"?([^\"\\n]*)\"?$");

  /**
   * The release of the host whose file system starts at {@code root}; empty off the Debian
   * family, where OSHI's answer stands.
   */
  public static Optional<LinuxRelease> read(Path root) {
    Path debianVersion = root.resolve("etc/debian_version");
    if (!Files.isRegularFile(debianVersion)) {
      return Optional.empty();
    }
    String lsb = readOrEmpty(root.resolve("etc/lsb-release"));
    String lsbId = group(LSB_ID, lsb);
    if (lsbId.equals("Ubuntu") || lsbId.equals("LinuxMint")) {
      return Optional.of(new LinuxRelease(lsbId.toLowerCase(java.util.Locale.ROOT), group(LSB_RELEASE, lsb)));
    }
    String platform = Files.exists(root.resolve("usr/bin/raspi-config")) ? "raspbian" : "debian";
    return Optional.of(new LinuxRelease(platform, readOrEmpty(debianVersion).lines().findFirst().orElse("").strip()));
  }

  private static String readOrEmpty(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static String group(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? m.group(1).strip() : "";
  }
}
