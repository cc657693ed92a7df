package io.machinestate.agent.device;

import io.machinestate.agent.tools.ToolException;
import io.machinestate.agent.tools.ToolRunner;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.io.IOException;
import java.lang.System.Logger.Level;

/** An Android device read through {@code adb}; the server parses the raw outputs. */
public final class AndroidDevice implements Device {
  private static final System.Logger LOG = System.getLogger(AndroidDevice.class.getName());

  private final ToolRunner tools;

  public AndroidDevice(ToolRunner tools) {
    this.tools = tools;
  }

  @Override
  public Event read(Event event, Description description) throws IOException {
    ensureOnline();
    var uptime = ToolOutputs.uptime(tools.run("adb", "shell", "cat", "/proc/uptime"));
    String getprop = tools.run("adb", "shell", "getprop");
    if (!getprop.contains("]: [")) {
      throw new IOException("adb shell getprop printed no properties: " + ToolOutputs.abbreviate(getprop));
    }
    return event.withAndroid(new Event.Android(getprop, dumpsys("battery"), dumpsys("thermalservice"), uptime));
  }

  /** {@code adb reboot}; when that fails, reconnects an offline device and tries once more. */
  @Override
  public void reboot(Description description) throws IOException {
    try {
      tools.run("adb", "reboot");
    } catch (ToolException first) {
      LOG.log(Level.WARNING, "adb reboot failed, reconnecting and retrying: {0}", first.getMessage());
      try {
        tools.run("adb", "reconnect", "offline");
      } catch (ToolException e) {
        LOG.log(Level.WARNING, "adb reconnect offline failed: {0}", e.getMessage());
      }
      tools.run("adb", "reboot");
    }
  }

  /**
   * {@code adb get-state} prints "device" when the device is ready and fails with
   * "error: device offline" (or unauthorized, or no devices) otherwise; only an offline device can
   * be brought back, with {@code adb reconnect offline}.
   */
  private void ensureOnline() throws ToolException {
    try {
      tools.run("adb", "get-state");
    } catch (ToolException e) {
      if (!e.stderr().contains("offline")) {
        throw e;
      }
      LOG.log(Level.INFO, "Android device is offline, reconnecting");
      tools.run("adb", "reconnect", "offline");
      tools.run("adb", "get-state");
    }
  }

  /** A dumpsys service's output; a device without that service still counts as present. */
  private String dumpsys(String service) {
    try {
      return tools.run("adb", "shell", "dumpsys", service);
    } catch (ToolException e) {
      LOG.log(Level.WARNING, "adb shell dumpsys {0} failed: {1}", service, e.getMessage());
      return "";
    }
  }
}
