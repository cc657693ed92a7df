package io.machinestate.agent.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.machinestate.agent.tools.ToolRunner;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ChromeOS device reached with {@code ssh} at the Description's SSHUserIP. Once it answers, the
 * address is written to a JSON file (by default {@code /tmp/ssh_machine.json}) where recipes read it.
 */
public final class ChromeOsDevice implements Device {
  /** As the server validates SSHUserIP; also keeps an address from reading as an ssh option. */
  private static final Pattern USER_IP = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9.\\-@_]*");
  private static final Pattern RELEASE = Pattern.compile("CHROMEOS_RELEASE_VERSION=(\\S+)");
  private static final Pattern MILESTONE = Pattern.compile("CHROMEOS_RELEASE_CHROME_MILESTONE=(\\S+)");
  private static final Pattern TRACK = Pattern.compile("CHROMEOS_RELEASE_TRACK=(\\S+)");

  private final ToolRunner tools;
  private final Path sshMachineFile;
  private final ObjectMapper mapper;

  public ChromeOsDevice(ToolRunner tools, Path sshMachineFile, ObjectMapper mapper) {
    this.tools = tools;
    this.sshMachineFile = sshMachineFile;
    this.mapper = mapper.copy().enable(SerializationFeature.INDENT_OUTPUT);
  }

  @Override
  public Event read(Event event, Description description) throws IOException {
    String userIp = userIp(description);
    Duration uptime = ToolOutputs.uptime(ssh(userIp, "cat", "/proc/uptime"));
    String lsbRelease = ssh(userIp, "cat", "/etc/lsb-release");
    var chromeOS = new Event.ChromeOS(find(TRACK, lsbRelease), find(MILESTONE, lsbRelease), find(RELEASE, lsbRelease), uptime);
    if (chromeOS.channel().isEmpty() && chromeOS.milestone().isEmpty() && chromeOS.releaseVersion().isEmpty()) {
      throw new IOException("no ChromeOS release in /etc/lsb-release of " + userIp + ", is it the right address? "
          + ToolOutputs.abbreviate(lsbRelease));
    }
    writeSshMachineFile(userIp);
    return event.withChromeOS(chromeOS);
  }

  @Override
  public void reboot(Description description) throws IOException {
    ssh(userIp(description), "reboot");
  }

  private String ssh(String userIp, String... command) throws IOException {
    String[] args = new String[command.length + 3];
    args[0] = "-oConnectTimeout=" + Math.max(1, tools.timeout().toSeconds() - 2);
    args[1] = "-oBatchMode=yes";
    args[2] = userIp;
    System.arraycopy(command, 0, args, 3, command.length);
    return tools.run("ssh", args);
  }

  private static String userIp(Description description) throws IOException {
    String userIp = description.sshUserIP();
    if (userIp.isEmpty()) {
      throw new IOException("no SSHUserIP in the Description: an operator must supply it");
    }
    if (!USER_IP.matcher(userIp).matches()) {
      throw new IOException("invalid SSHUserIP \"" + userIp + "\"");
    }
    return userIp;
  }

  private static String find(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? m.group(1) : "";
  }

  /** Written to a temporary file and moved into place, so a recipe never reads half a file. */
  private void writeSshMachineFile(String userIp) throws IOException {
    Map<String, String> content = new LinkedHashMap<>();
    content.put("Comment", "This file is written to by the edge agent. Do not edit by hand.");
    content.put("user_ip", userIp);
    Path dir = sshMachineFile.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, sshMachineFile.getFileName().toString(), ".tmp");
    try {
      Files.write(temp, mapper.writeValueAsBytes(content));
      Files.move(temp, sshMachineFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
