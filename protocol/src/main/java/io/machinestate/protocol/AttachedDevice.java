package io.machinestate.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kind of device a test host drives, chosen by an operator. */
public enum AttachedDevice {
  NODEVICE("nodevice"),
  ADB("adb"),
  IOS("ios"),
  PYOCD("pyocd"),
  SSH("ssh");

  private final String wire;

  AttachedDevice(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** The empty string is Go's zero value and means the default, {@link #NODEVICE}. */
  @JsonCreator
  public static AttachedDevice fromWire(String value) {
    if (value == null || value.isEmpty()) {
      return NODEVICE;
    }
    for (AttachedDevice d : values()) {
      if (d.wire.equals(value)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "invalid AttachedDevice \"" + value + "\": want one of nodevice, adb, ios, pyocd, ssh");
  }
}
