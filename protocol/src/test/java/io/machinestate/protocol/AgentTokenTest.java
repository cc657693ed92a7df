package io.machinestate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTokenTest {
  @TempDir
  Path dir;

  @Test
  void fileIsPreferredThenFlagThenEnvironment() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "from-file\n");
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
    assertThrows(IOException.class, () -> AgentToken.resolve(dir.resolve("absent").toString(), null, Map.of()));
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "  \n");
    assertThrows(IOException.class, () -> AgentToken.resolve(empty.toString(), null, Map.of()));
  }
}
