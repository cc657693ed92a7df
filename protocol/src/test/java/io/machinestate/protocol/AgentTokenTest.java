package io.machinestate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.machinestate.testing.TokenFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTokenTest {
  @TempDir
  Path dir;

  @Test
  void fileIsPreferredThenFlagThenEnvironment() throws Exception {
    Path file = privateFile("token", "from-file\n");
    Map<String, String> env = Map.of(AgentToken.ENV, "from-env", AgentToken.FILE_ENV, file.toString());
    assertEquals(Optional.of("from-file"), AgentToken.resolve(null, "from-flag", env));
    assertEquals(Optional.of("from-file"), AgentToken.resolve(file.toString(), "from-flag", Map.of()));
    assertEquals(Optional.of("from-flag"), AgentToken.resolve(null, "from-flag", Map.of(AgentToken.ENV, "from-env")));
    assertEquals(Optional.of("from-env"), AgentToken.resolve(null, null, Map.of(AgentToken.ENV, "from-env")));
    assertEquals(Optional.empty(), AgentToken.resolve(null, null, Map.of()));
    assertEquals("Bearer abc", AgentToken.headerValue("abc"));
  }

  @Test
  void missingOrEmptyFileIsAnError() throws Exception {
    Path absent = dir.resolve("absent");
    assertEquals("token file " + absent + " does not exist", refused(absent, Map.of()));
    Path empty = privateFile("empty", "  \n");
    assertEquals("token file " + empty + " is empty", refused(empty, Map.of()));
  }

  @Test
  void aFileOthersOrTheGroupMayReadIsRefusedWithTheFix() throws Exception {
    Path shared = privateFile("token", "s3cret\n");
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals("token file " + shared + " is open to others (mode 0644); make it private to the agent's user: chmod 600 "
        + shared, refused(shared, Map.of()));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r-----"));
    assertEquals("token file " + shared + " is open to its group (mode 0640); make it private to the agent's user: chmod 600 "
        + shared, refused(shared, Map.of()));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("r--------"));
    assertEquals(Optional.of("s3cret"), AgentToken.resolve(shared.toString(), null, Map.of()));
  }

  /** systemd's LoadCredential= file: 0400 plus an ACL entry for the service's user, so stat shows 0440. */
  @Test
  void aCredentialOfSystemdIsTakenThoughItsModeShowsTheAclMask() throws Exception {
    Path credentials = Files.createDirectory(dir.resolve("credentials"));
    Path token = Files.writeString(credentials.resolve("token"), "from-systemd\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("r--r-----"));
    Map<String, String> env = Map.of(AgentToken.CREDENTIALS_DIRECTORY_ENV, credentials.toString());
    assertEquals(Optional.of("from-systemd"), AgentToken.resolve(token.toString(), null, env));
    // Others are refused there too, and a link from there to an open file elsewhere is the file elsewhere.
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("r--r--r--"));
    assertEquals("token file " + token + " is open to others (mode 0444); make it private to the agent's user: chmod 600 "
        + token, refused(token, env));
    Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "x");
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("r--r-----"));
    Path link = Files.createSymbolicLink(credentials.resolve("link"), elsewhere);
    assertEquals("token file " + link + " is open to its group (mode 0440); make it private to the agent's user: chmod 600 "
        + link, refused(link, env));
  }

  private Path privateFile(String name, String content) throws Exception {
    return TokenFiles.write(dir.resolve(name), content);
  }

  private static String refused(Path file, Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> AgentToken.resolve(file.toString(), null, env)).getMessage();
  }
}
