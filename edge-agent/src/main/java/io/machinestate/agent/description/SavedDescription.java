package io.machinestate.agent.description;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.Description;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The last Description received, kept in a file of the state directory so that an agent restarted
 * while the server is down still tells Swarming the right dimensions.
 */
public final class SavedDescription {
  private static final System.Logger LOG = System.getLogger(SavedDescription.class.getName());

  private final Path file;
  private final ObjectMapper mapper;

  public SavedDescription(Path file, ObjectMapper mapper) {
    this.file = file;
    this.mapper = mapper;
  }

  /**
   * The saved Description of {@code machineId}. One that cannot be read, or that belongs to
   * another machine, is moved aside (never deleted) and ignored.
   */
  public Optional<Description> load(String machineId) {
    Description d;
    try {
      d = mapper.readValue(Files.readAllBytes(file), Description.class);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      moveAside("it cannot be read: " + e.getMessage());
      return Optional.empty();
    }
    String savedId = d == null ? "" : d.dimension("id");
    if (d == null || !(savedId.isEmpty() || savedId.equals(machineId))) {
      moveAside("it belongs to machine \"" + savedId + "\", not \"" + machineId + "\"");
      return Optional.empty();
    }
    return Optional.of(d);
  }

  /** Replaces the saved Description atomically: a crash leaves the old one or the new one. */
  public void save(Description d) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      Files.write(temp, mapper.writeValueAsBytes(d));
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private void moveAside(String why) {
    Path aside = file.resolveSibling(file.getFileName() + ".unusable");
    try {
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      LOG.log(Level.WARNING, "Ignoring saved Description {0}, moved to {1}: {2}", file, aside, why);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Ignoring saved Description {0}: {1}; moving it aside failed: {2}", file, why, e.getMessage());
    }
  }
}
