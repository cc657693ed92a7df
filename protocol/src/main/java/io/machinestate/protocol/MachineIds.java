package io.machinestate.protocol;

/** The rule every machine id follows, so that it can stand in a URL path and a log line. */
public final class MachineIds {
  public static final int MAX_LENGTH = 256;

  private MachineIds() {}

  /** Returns why {@code id} is not a valid machine id, or null when it is. */
  public static String problem(String id) {
    if (id == null || id.isEmpty()) {
      return "machine id is empty";
    }
    if (id.length() > MAX_LENGTH) {
      return "machine id is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isISOControl(c)) {
        return "machine id contains a control character";
      }
      if (c == '/' || c == '\\') {
        return "machine id contains a slash";
      }
    }
    return null;
  }
}
