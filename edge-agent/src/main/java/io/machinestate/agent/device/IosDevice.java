package io.machinestate.agent.device;

import io.machinestate.agent.tools.ToolException;
import io.machinestate.agent.tools.ToolRunner;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.regex.Pattern;

/** An iPhone or iPad read through libimobiledevice's {@code ideviceinfo}. */
public final class IosDevice implements Device {
  private static final System.Logger LOG = System.getLogger(IosDevice.class.getName());
  /** Apple model identifiers: iPhone10,1, iPad13,4, ... */
  private static final Pattern PRODUCT_TYPE = Pattern.compile("[A-Za-z]+[0-9]+,[0-9]+");
  private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");
  /** The Battery value the server reads as "unreadable". */
  static final int BATTERY_UNREADABLE = -99;

  private final ToolRunner tools;

  public IosDevice(ToolRunner tools) {
    this.tools = tools;
  }

  @Override
  public Event read(Event event, Description description) throws IOException {
    String deviceType = tools.run("ideviceinfo", "-k", "ProductType").strip();
    if (!PRODUCT_TYPE.matcher(deviceType).matches()) {
      throw new IOException("ideviceinfo -k ProductType printed no model: " + ToolOutputs.abbreviate(deviceType));
    }
    return event.withIOS(new Event.IOS(version(), deviceType, battery()));
  }

  @Override
  public void reboot(Description description) throws IOException {
    tools.run("idevicediagnostics", "restart");
  }

  /** The iOS version; a device whose version cannot be read is absent this round, as in Swarming's Go agent. */
  private String version() throws IOException {
    String version = tools.run("ideviceinfo", "-k", "ProductVersion").strip();
    if (!VERSION.matcher(version).matches()) {
      throw new IOException("ideviceinfo -k ProductVersion printed no version: " + ToolOutputs.abbreviate(version));
    }
    return version;
  }

  private int battery() {
    try {
      String out = tools.run("ideviceinfo", "--domain", "com.apple.mobile.battery", "-k", "BatteryCurrentCapacity").strip();
      int percent = Integer.parseInt(out);
      if (percent >= 0 && percent <= 100) {
        return percent;
      }
      LOG.log(Level.WARNING, "iOS battery level out of range: {0}", percent);
    } catch (ToolException e) {
      LOG.log(Level.WARNING, "Reading the iOS battery level failed: {0}", e.getMessage());
    } catch (NumberFormatException e) {
      LOG.log(Level.WARNING, "iOS battery level is not a number: {0}", e.getMessage());
    }
    return BATTERY_UNREADABLE;
  }
}
