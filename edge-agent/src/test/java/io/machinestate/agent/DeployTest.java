package io.machinestate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The service files and install recipes of {@code deploy/} and {@code launcher/}, read as the
 * hosts read them: settings that name no flag, a unit that would kill a task on upgrade or cap it,
 * a Windows script with Unix line ends, a launcher file missing from the package.
 */
class DeployTest {
  static final Path DEPLOY = Path.of("deploy");
  /** The agent's own variables; the others (PATH, DISPLAY, ...) belong to the system. */
  static final Pattern AGENT_VARIABLE = Pattern.compile("\\b((?:EDGE_AGENT|MACHINESERVER|SWARMING)_[A-Z_]+)");
  /** The launcher's own variables, which are no flag's. */
  static final Set<String> LAUNCHER_VARIABLES = Set.of("EDGE_AGENT_JAVA_OPTS", "EDGE_AGENT_CDS_DIR");

  @Test
  void everyAgentVariableTheFilesSetIsAFlagsTwin() throws Exception {
    Set<String> twins = Flags.OPTIONS.stream().map(Flags.Option::env).collect(Collectors.toSet());
    Set<String> unknown = new TreeSet<>();
    for (Path file : List.of(DEPLOY.resolve("edge-agent.service"), DEPLOY.resolve("io.machinestate.edge-agent.plist"),
        DEPLOY.resolve("windows/settings.cmd"))) {
      for (String variable : setVariables(file)) {
        if (!twins.contains(variable) && !LAUNCHER_VARIABLES.contains(variable)) {
          unknown.add(file + ": " + variable);
        }
      }
    }
    assertEquals(Set.of(), unknown);
  }

  /** The names a file sets: {@code Environment=X=}, {@code set X=}, a plist's environment keys. */
  private static List<String> setVariables(Path file) throws Exception {
    String text = Files.readString(file);
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^(?:Environment=|set )([A-Z_]+)=").matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    if (file.toString().endsWith(".plist")) {
      names.addAll(plistEnvironment(file));
    }
    assertFalse(names.isEmpty(), file.toString());
    return names.stream().filter(n -> AGENT_VARIABLE.matcher(n).matches()).toList();
  }

  @Test
  void theUnitLeavesTheTaskRunningOnUpgradeAndCapsOnlyTheJvm() throws Exception {
    String unit = Files.readString(DEPLOY.resolve("edge-agent.service"));
    assertTrue(unit.contains("\nKillMode=process\n"), "systemd must stop only the agent");
    assertTrue(unit.contains("\nEnvironment=EDGE_AGENT_LEAVE_BOT_RUNNING=true\n"));
    assertFalse(unit.matches("(?s).*\\nMemory(Max|High|Limit)=.*"), "a cgroup cap would hold the bot and its tasks");
    assertTrue(unit.contains("\nExecStart=/opt/edge-agent/edge-agent\n"), "the launcher, with jvm.options");
    // The class archive, in a directory systemd makes for the service's user, who may have no $HOME.
    assertTrue(unit.contains("\nCacheDirectory=edge-agent\n"));
    assertTrue(unit.contains("\nEnvironment=EDGE_AGENT_CDS_DIR=%C/edge-agent\n"));
    String desktop = Files.readString(DEPLOY.resolve("desktop.conf"));
    assertTrue(desktop.contains("Environment=DISPLAY=:0") && desktop.contains("Environment=XAUTHORITY="), desktop);
  }

  @Test
  void theMacJobIsALaunchAgentInTheLoggedInSessionThatLeavesTheBotRunning() throws Exception {
    String plist = Files.readString(DEPLOY.resolve("io.machinestate.edge-agent.plist"));
    assertTrue(plist.contains("<key>LimitLoadToSessionType</key>\n  <array>\n    <string>Aqua</string>"), plist);
    assertTrue(plist.contains("<key>AbandonProcessGroup</key>\n  <true/>"), plist);
    assertFalse(plist.contains("<key>UserName</key>"), "a LaunchAgent runs as the logged-in user");
    assertEquals("true", plistEnvironmentValue(DEPLOY.resolve("io.machinestate.edge-agent.plist"),
        "EDGE_AGENT_LEAVE_BOT_RUNNING"));
    assertEquals("/Users/chrome-bot/Library/Caches/edge-agent", plistEnvironmentValue(
        DEPLOY.resolve("io.machinestate.edge-agent.plist"), "EDGE_AGENT_CDS_DIR"), "the class archive");
  }

  @Test
  void windowsScriptsHaveWindowsLineEndsAndNameThePackagesFiles() throws Exception {
    List<Path> scripts = List.of(Path.of("launcher/edge-agent.cmd"), DEPLOY.resolve("windows/run-edge-agent.cmd"),
        DEPLOY.resolve("windows/settings.cmd"), DEPLOY.resolve("windows/install-edge-agent.ps1"));
    for (Path script : scripts) {
      String text = Files.readString(script);
      assertEquals(text.split("\n", -1).length, text.split("\r\n", -1).length, script + ": every line ends in CRLF");
    }
    String install = Files.readString(DEPLOY.resolve("windows/install-edge-agent.ps1"));
    for (String file : List.of("edge-agent.cmd", "jvm.options", "edge-agent.jar", "run-edge-agent.cmd", "settings.cmd")) {
      assertTrue(install.contains("\"" + file + "\""), "install-edge-agent.ps1 copies " + file);
    }
    assertTrue(install.contains("-AtLogOn") && install.contains("-LogonType Interactive"), "in chrome-bot's session");
    assertTrue(Files.readString(DEPLOY.resolve("windows/run-edge-agent.cmd")).contains("edge-agent.jar.new"));
  }

  @Test
  void thePackageHasEveryFileTheLaunchersName() throws Exception {
    for (String file : List.of("edge-agent", "edge-agent.cmd", "jvm.options")) {
      assertTrue(Files.isRegularFile(Path.of("launcher", file)), file);
    }
    String pom = Files.readString(Path.of("pom.xml"));
    for (String file : List.of("edge-agent", "edge-agent.cmd", "jvm.options", "edge-agent.jar")) {
      assertTrue(pom.contains("<include name=\"" + file + "\"/>"), "edge-agent.tar.gz holds " + file);
    }
  }

  private static List<String> plistEnvironment(Path plist) throws Exception {
    Element env = plistEnvironmentDict(plist);
    List<String> keys = new ArrayList<>();
    NodeList nodes = env.getElementsByTagName("key");
    for (int i = 0; i < nodes.getLength(); i++) {
      keys.add(nodes.item(i).getTextContent());
    }
    return keys;
  }

  private static String plistEnvironmentValue(Path plist, String key) throws Exception {
    NodeList nodes = plistEnvironmentDict(plist).getElementsByTagName("*");
    for (int i = 0; i + 1 < nodes.getLength(); i++) {
      if (nodes.item(i).getNodeName().equals("key") && nodes.item(i).getTextContent().equals(key)) {
        return nodes.item(i + 1).getTextContent();
      }
    }
    return null;
  }

  private static Element plistEnvironmentDict(Path plist) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    NodeList keys = factory.newDocumentBuilder().parse(plist.toFile()).getElementsByTagName("key");
    for (int i = 0; i < keys.getLength(); i++) {
      if (keys.item(i).getTextContent().equals("EnvironmentVariables")) {
        org.w3c.dom.Node next = keys.item(i).getNextSibling();
        while (!(next instanceof Element)) {
          next = next.getNextSibling();
        }
        return (Element) next;
      }
    }
    throw new AssertionError(plist + " has no EnvironmentVariables");
  }
}
