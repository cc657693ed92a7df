package io.machinestate.server.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Annotation;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The cases of the Go server's processor tests, one test each (named after the Go test in its
 * comment), with this project's own device output: the same events must give the same Description.
 *
 * <p>Descriptions are compared as the store keeps them, without dimensions whose value list is empty
 * (SPEC §4 "Applied on every write"; the Go store drops them too). Differences by design, listed in
 * README.md "Differences from the Go server": SuppliedDimensions stays null where the Go processor's
 * copy made it {}; a recovering Android device's Recovering follows the latest reason; the Go
 * processor's metrics are not the processor's business here (the event counters live in
 * MachineService, see ApiTest).
 */
class GoCasesTest {
  private static final String USER = "machines.skia.org";
  private static final Instant BEFORE = Instant.parse("2026-03-02T08:00:00Z");
  private static final Instant NOW = Instant.parse("2026-03-02T08:01:05Z");
  private static final String ID = "skia-rpi2-rack2-shelf3-004";
  private static final String VERSION = "2026-02-27T16_20_11Z-lab-4e1c9d2-clean";
  private static final Event.Host HOST = new Event.Host(ID, VERSION, BEFORE.plusSeconds(60));
  /** Go's tests set the Android uptime to 10, which is 10 ns: populated, yet 0 seconds. */
  private static final Duration TEN_NANOSECONDS = Duration.ofNanos(10);

  private static final String REDFIN_GETPROP = String.join("\n",
      "[ro.build.id]: [RQ3A.211001.001]",
      "[ro.product.brand]: [google]",
      "[ro.build.type]: [userdebug]",
      "[ro.build.product]: [redfin]",
      "[ro.product.system.brand]: [aosp]");
  private static final Map<String, List<String>> REDFIN_DIMENSIONS = Map.of(
      "android_devices", List.of("1"),
      "device_os", List.of("R", "RQ3A.211001.001"),
      "device_os_flavor", List.of("google", "android"),
      "device_os_type", List.of("userdebug"),
      "device_type", List.of("redfin"),
      "os", List.of("Android"),
      "id", List.of(ID),
      "tmm_version", List.of(VERSION));

  private final Processor processor = new Processor(USER);

  private static String battery(int level) {
    return """
        Current Battery Service state:
          AC powered: false
          USB powered: true
          Wireless powered: false
          Max charging current: 500000
          Max charging voltage: 5000000
          Charge counter: 312000
          status: 2
          health: 2
          present: true
          level: %d
          scale: 100
          voltage: 3702
          technology: Li-ion""".formatted(level);
  }

  private static Event android(String getprop, String battery, String thermal, Duration uptime) {
    return Event.rawState(HOST).withAndroid(new Event.Android(getprop, battery, thermal, uptime));
  }

  private static Event androidBattery(int level) {
    return android("", battery(level), "", TEN_NANOSECONDS);
  }

  private static Description newMachine() {
    return Description.newDescription(BEFORE);
  }

  /** The Description as the store keeps it: without empty dimensions. */
  private static Description stored(Description d) {
    Map<String, List<String>> dims = new TreeMap<>();
    d.dimensions().forEach((k, v) -> {
      if (!v.isEmpty()) {
        dims.put(k, v);
      }
    });
    return d.toBuilder().dimensions(dims).build();
  }

  private static Annotation byServer(String message) {
    return new Annotation(message, USER, NOW);
  }

  // Go: TestParseAndroidProperties_HappyPath
  @Test
  void parseAndroidPropertiesHappyPath() {
    AndroidProperties props = AndroidProperties.parse("\n[ro.product.manufacturer]: [LGE]\n"
        + "[ro.product.model]: [Nexus 5]\n[ro.product.name]: [hammerhead]\n");

    assertEquals("LGE", props.get("ro.product.manufacturer"));
    assertEquals("Nexus 5", props.get("ro.product.model"));
    assertEquals("hammerhead", props.get("ro.product.name"));
  }

  // Go: TestParseAndroidProperties_EmptyStringGivesEmptyMap
  @Test
  void parseAndroidPropertiesEmpty() {
    assertEquals("", AndroidProperties.parse("").get("ro.product.name"));
  }

  // Go: TestDimensionsFromAndroidProperties_Success
  @Test
  void dimensionsFromAndroidProperties() {
    Map<String, List<String>> dims = AndroidProperties.parse(String.join("\n",
        "[ro.product.manufacturer]: [Google]",
        "[ro.product.model]: [Pixel 4a]",
        "[ro.build.id]: [RP1A.201005.006]",
        "[ro.product.brand]: [google]",
        "[ro.build.type]: [user]",
        "[ro.product.board]: []",
        "[ro.product.device]: [sunfish_vendor]",
        "[ro.build.product]: [sunfish]",
        "[ro.product.system.brand]: [google]",
        "[ro.product.system.brand]: [aosp]",
        "[ro.product.name]: [aosp_sunfish_hwasan]")).dimensions();

    assertEquals(Map.of(
        "android_devices", List.of("1"),
        "android_hwasan_build", List.of("1"),
        "device_os", List.of("R", "RP1A.201005.006"),
        "device_os_flavor", List.of("google", "android"),
        "device_os_type", List.of("user"),
        "device_type", List.of("sunfish_vendor", "sunfish"),
        "os", List.of("Android")), dims);
  }

  // Go: TestDimensionsFromAndroidProperties_AppendIncrementalBuildToDeviceOS
  @Test
  void incrementalBuildIsAppendedToDeviceOs() {
    Map<String, List<String>> dims = AndroidProperties.parse(
        "[ro.build.id]: [RP1A.201005.006]\n[ro.build.version.incremental]: [6828489]").dimensions();

    assertEquals(List.of("R", "RP1A.201005.006", "RP1A.201005.006_6828489"), dims.get("device_os"));
    assertEquals(List.of("1"), dims.get("android_devices"));
    assertEquals(List.of("Android"), dims.get("os"));
  }

  // Go: TestDimensionsFromAndroidProperties_EmptyFromEmpty. Here the keys the Android rule owns are
  // present but empty (so a departed device's values are cleared), which the store drops.
  @Test
  void noDimensionsFromNoProperties() {
    AndroidProperties.parse("").dimensions().forEach((key, values) -> assertEquals(List.of(), values, key));
  }

  // Go: TestProcess_DetectBadEventType
  @Test
  void otherEventTypeIsNotProcessed() {
    Event empty = new Event("", null, null, null, null, null, HOST, true, true, true);
    Description previous = newMachine();

    assertFalse(Processor.handles(empty));
    assertSame(previous, processor.process(previous, empty, NOW));
  }

  // Go: TestProcess_SwarmingTaskIsRunning
  @Test
  void swarmingTaskIsRunning() {
    assertTrue(processor.process(newMachine(), Event.rawState(HOST).withFlags(true, false, false), NOW)
        .runningSwarmingTask());
  }

  // Go: TestProcess_ForcedQuarantine
  @Test
  void forcedQuarantine() {
    assertTrue(processor.process(newMachine(), Event.rawState(HOST).withFlags(false, true, false), NOW)
        .isQuarantined());
  }

  // Go: TestProcess_LaunchedSwarmingIsTrueInEvent_LaunchedSwarmingIsTrueInDescription
  @Test
  void launchedSwarming() {
    assertTrue(processor.process(newMachine(), Event.rawState(HOST).withFlags(false, false, true), NOW)
        .launchedSwarming());
  }

  // Go: TestProcess_NewDeviceAttached
  @Test
  void newDeviceAttached() {
    Description previous = newMachine().toBuilder().attachedDevice(AttachedDevice.ADB).build();

    Description next = processor.process(previous, android(REDFIN_GETPROP, "", "", Duration.ofSeconds(5)), NOW);

    assertEquals(Description.builder()
        .attachedDevice(AttachedDevice.ADB)
        .lastUpdated(NOW)
        .dimensions(REDFIN_DIMENSIONS)
        .battery(-99)
        .version(VERSION)
        .deviceUptime(5)
        .build(), stored(next));
  }

  // Go: TestProcess_DeviceGoingMissingMeansQuarantine
  @Test
  void deviceGoingMissingMeansRecovery() {
    Description previous = newMachine().toBuilder()
        .attachedDevice(AttachedDevice.ADB)
        .dimensions(REDFIN_DIMENSIONS)
        .build();

    Description next = processor.process(previous, Event.rawState(HOST), NOW);

    String missing = "Device [\"redfin\"] has gone missing";
    assertEquals(Description.builder()
        .recovering(missing)
        .attachedDevice(AttachedDevice.ADB)
        .version(VERSION)
        .dimensions(REDFIN_DIMENSIONS)
        .lastUpdated(NOW)
        .recoveryStart(NOW)
        .annotation(byServer(missing))
        .build(), stored(next));
  }

  // Go: TestProcess_QuarantineDevicesInMaintenanceMode: properties without uptime are no device.
  @Test
  void propertiesWithoutUptimeAreAMissingDevice() {
    Description previous = newMachine().toBuilder().dimensions(REDFIN_DIMENSIONS).build();

    Description next = processor.process(previous, android(REDFIN_GETPROP, "", "", Duration.ZERO), NOW);

    assertEquals("Device [\"redfin\"] has gone missing", next.recovering());
  }

  // Go: TestProcess_RemoveMachineFromQuarantineIfDeviceReturns
  @Test
  void deviceReturnsLeavesRecovery() {
    Map<String, List<String>> dims = new TreeMap<>(REDFIN_DIMENSIONS);
    dims.put("quarantined", List.of("Device [\"redfin\"] has gone missing"));
    Description previous = newMachine().toBuilder()
        .attachedDevice(AttachedDevice.ADB)
        .recovering("Device is missing.")
        .dimensions(dims)
        .build();

    Description next = processor.process(previous, android(REDFIN_GETPROP, "", "", TEN_NANOSECONDS), NOW);

    assertEquals(Description.builder()
        .annotation(byServer("Leaving recovery mode."))
        .attachedDevice(AttachedDevice.ADB)
        .version(VERSION)
        .dimensions(dims) // the store, not the processor, recomputes "quarantined"
        .lastUpdated(NOW)
        .battery(-99)
        .build(), stored(next));
  }

  // Go: TestProcess_RecoveryModeIfDeviceBatteryTooLow
  @Test
  void lowBatteryEntersRecovery() {
    Description previous = newMachine().toBuilder().attachedDevice(AttachedDevice.ADB).build();

    Description next = processor.process(previous, androidBattery(9), NOW);

    assertEquals(Description.builder()
        .attachedDevice(AttachedDevice.ADB)
        .version(VERSION)
        .recovering("Battery low.")
        .annotation(byServer("Battery low."))
        .dimensions(Map.of("id", List.of(ID), "tmm_version", List.of(VERSION)))
        .battery(9)
        .recoveryStart(NOW)
        .lastUpdated(NOW)
        .build(), stored(next));
  }

  // Go: TestProcess_DeviceStillInRecoveryMode_MetricReportsTimeInRecovery. The Go server kept
  // "low power"; here the reason follows the device (README, differences).
  @Test
  void stillRecoveringKeepsItsStart() {
    Instant began = NOW.minusSeconds(65);
    Description previous = newMachine().toBuilder().recovering("low power").recoveryStart(began).build();

    Description next = processor.process(previous, androidBattery(9), NOW);

    assertEquals(began, next.recoveryStart());
    assertEquals("Battery low.", next.recovering());
  }

  // Go: TestProcess_RecoveryModeIfDeviceTooHot
  @Test
  void tooHotEntersRecovery() {
    Description next = processor.process(newMachine(),
        android("", "", Fixtures.THERMALSERVICE_SNAPDRAGON_HOT, TEN_NANOSECONDS), NOW);

    assertEquals(byServer("Too hot."), next.annotation());
    assertEquals("Too hot.", next.recovering());
    assertEquals(41.7, next.temperature().get("cpu-1-2-usr"));
  }

  // Go: TestProcess_HandleTempsInMilliCentgrade. Neither the milli-degree limits nor the 36.4 °C
  // virtual sensor of type -1 make the device too hot.
  @Test
  void milliDegreesAreDivided() {
    Description next = processor.process(newMachine(),
        android("", "", Fixtures.THERMALSERVICE_TENSOR_MILLIDEGREES, TEN_NANOSECONDS), NOW);

    assertEquals("", next.maintenanceMode());
    assertEquals("", next.recovering());
    assertNull(next.dimensions().get("quarantined"));
    assertEquals(12.4, next.temperature().get("ocp_cpu2"));
    assertEquals(1.1, next.temperature().get("vdroop1"));
    assertFalse(next.temperature().containsKey("VIRTUAL-SKIN-CHARGE"));
  }

  // Go: TestProcess_RecoveryModeIfDeviceTooHotAndBatteryIsTooLow
  @Test
  void tooHotAndBatteryLow() {
    Description next = processor.process(newMachine(),
        android("", battery(9), Fixtures.THERMALSERVICE_SNAPDRAGON_HOT, TEN_NANOSECONDS), NOW);

    assertEquals(byServer("Battery low. Too hot."), next.annotation());
    assertEquals("Battery low. Too hot.", next.recovering());
  }

  // Go: TestProcess_DoNotGoIntoMaintenanceModeIfDeviceBatteryIsChargedEnough
  @Test
  void chargedBatteryIsNoReasonToRecover() {
    Description next = processor.process(newMachine(), androidBattery(95), NOW);

    assertNull(next.dimensions().get("quarantined"));
    assertEquals("", next.maintenanceMode());
    assertEquals("", next.recovering());
    assertEquals(95, next.battery());
  }

  // Go: TestProcess_LeaveRecoveryModeIfDeviceBatteryIsChargedEnough
  @Test
  void chargedBatteryLeavesRecovery() {
    Description previous = newMachine().toBuilder().recovering("low power").build();

    Description next = processor.process(previous, androidBattery(95), NOW);

    assertEquals("", next.maintenanceMode());
    assertEquals("", next.recovering());
    assertEquals(95, next.battery());
  }

  private static Description chromebookHost(String recovering, Map<String, List<String>> dims) {
    return Description.builder()
        .recovering(recovering)
        .lastUpdated(BEFORE)
        .sshUserIP("root@skia-kevin-07")
        .suppliedDimensions(Map.of("cpu", List.of("arm"), "gpu", List.of("MaliT860")))
        .dimensions(dims)
        .build();
  }

  private static final Map<String, List<String>> DEBIAN_HOST = Map.of(
      "id", List.of(ID),
      "os", List.of("Debian", "Debian-12", "Debian-12.4", "Linux"),
      "cpu", List.of("x86", "x86-64"),
      "gpu", List.of("none"),
      "tmm_version", List.of(VERSION));

  private static final Map<String, List<String>> CHROMEOS_HOST = Map.of(
      "id", List.of(ID),
      "os", List.of("ChromeOS"),
      "cpu", List.of("arm"),
      "gpu", List.of("MaliT860"),
      "chromeos_channel", List.of("stable-channel"),
      "chromeos_milestone", List.of("120"),
      "release_version", List.of("15662.76.0"),
      "tmm_version", List.of(VERSION));

  // Go: TestProcess_ChromeOSDeviceAttached_UnquarantineAndMergeDimensions
  @Test
  void chromebookAttachedLeavesRecoveryAndMergesDimensions() {
    Description previous = chromebookHost("Device has gone missing.", DEBIAN_HOST).toBuilder()
        .launchedSwarming(true)
        .build();
    Event event = Event.rawState(HOST).withFlags(false, false, true)
        .withChromeOS(new Event.ChromeOS("stable-channel", "120", "15662.76.0", Duration.ofSeconds(123)));

    Description next = processor.process(previous, event, NOW);

    assertEquals(chromebookHost("", CHROMEOS_HOST).toBuilder()
        .lastUpdated(NOW)
        .launchedSwarming(true)
        .deviceUptime(123)
        .annotation(byServer("Leaving recovery mode."))
        .version(VERSION)
        .build(), stored(next));
  }

  // Go: TestProcess_ChromeOSDeviceSpecifiedButNotAttached_Quarantined
  @Test
  void chromebookNeverReachedRecovers() {
    Description next = processor.process(chromebookHost("", DEBIAN_HOST), Event.rawState(HOST), NOW);

    String missing = "Device \"root@skia-kevin-07\" has gone missing";
    assertEquals(chromebookHost(missing, DEBIAN_HOST).toBuilder()
        .lastUpdated(NOW)
        .recoveryStart(NOW)
        .annotation(byServer(missing))
        .version(VERSION)
        .build(), stored(next));
  }

  // Go: TestProcess_ChromeOSDeviceDisconnected_QuarantinedSet
  @Test
  void chromebookDisconnectedRecovers() {
    Description next = processor.process(chromebookHost("", CHROMEOS_HOST), Event.rawState(HOST), NOW);

    String missing = "Device \"root@skia-kevin-07\" has gone missing";
    assertEquals(chromebookHost(missing, CHROMEOS_HOST).toBuilder()
        .lastUpdated(NOW)
        .recoveryStart(NOW)
        .annotation(byServer(missing))
        .version(VERSION)
        .build(), stored(next));
  }

  // Go: TestBatteryFromAndroidDumpSys_Success
  @Test
  void batteryLevel() {
    assertEquals(71, DumpsysBattery.parse("Current Battery Service state:\n  level: 71\n  scale: 100\n  ").percent());
  }

  // Go: TestBatteryFromAndroidDumpSys_Hammerhead_Success
  @Test
  void batteryLevelWithCrLfLines() {
    String hammerhead = "Current Battery Service state:\r\n  AC powered: false\r\n  USB powered: true\r\n"
        + "  status: 2\r\n  health: 2\r\n  present: true\r\n  level: 63\r\n  scale: 100\r\n"
        + "  voltage: 3987\r\n  temperature: 212\r\n  technology: Li-poly\r\n";

    assertEquals(63, DumpsysBattery.parse(hammerhead).percent());
  }

  // Go: TestBatteryFromAndroidDumpSys_FalseOnEmptyString
  @Test
  void noBatteryFromNothing() {
    assertEquals(DumpsysBattery.UNREADABLE, DumpsysBattery.parse("").percent());
  }

  // Go: TestBatteryFromAndroidDumpSys_FalseIfNoLevel
  @Test
  void noBatteryWithoutLevel() {
    assertEquals(DumpsysBattery.UNREADABLE,
        DumpsysBattery.parse("Current Battery Service state:\n  scale: 100\n  ").percent());
  }

  // Go: TestBatteryFromAndroidDumpSys_FalseIfNoScale
  @Test
  void noBatteryWithoutScale() {
    assertEquals(DumpsysBattery.UNREADABLE,
        DumpsysBattery.parse("Current Battery Service state:\n  level: 71\n  ").percent());
  }

  // Go: TestBatteryFromAndroidDumpSys_FailOnBadScale
  @Test
  void noBatteryWithZeroScale() {
    assertEquals(DumpsysBattery.UNREADABLE,
        DumpsysBattery.parse("Current Battery Service state:\n  level: 71\n  scale: 0\n  ").percent());
  }

  private static String thermal(String... lines) {
    return "Current temperatures from HAL:\n\t" + String.join("\n\t", lines) + "\nCurrent cooling devices from HAL:\n";
  }

  // Go: TestFindMaxTemperature_EmptyMap_ReturnsBadTemp
  @Test
  void noTemperaturesIsNotTooHot() {
    Description next = processor.process(newMachine(), android("", "", thermal(), TEN_NANOSECONDS), NOW);

    assertNull(next.temperature());
    assertEquals("", next.recovering());
  }

  // Go: TestFindMaxTemperature_NoIgnoredTemps_ReturnsMaxVal. The hottest sensor decides.
  @Test
  void theHottestSensorDecides() {
    String oneHot = thermal(
        "Temperature{mValue=10.0, mType=0, mName=TYPE_CPU, mStatus=0}",
        "Temperature{mValue=20.0, mType=2, mName=TYPE_BATTERY, mStatus=0}",
        "Temperature{mValue=35.5, mType=3, mName=TYPE_SKIN, mStatus=0}",
        "Temperature{mValue=15.0, mType=4, mName=TYPE_USB_PORT, mStatus=0}");

    assertEquals("Too hot.", processor.process(newMachine(), android("", "", oneHot, TEN_NANOSECONDS), NOW).recovering());
  }

  // Go: TestFindMaxTemperature_WithIgnoredTemps_ReturnsMaxVal
  @Test
  void batteryCycleIsNotATemperature() {
    String cycles = thermal(
        "Temperature{mValue=10.0, mType=0, mName=TYPE_CPU, mStatus=0}",
        "Temperature{mValue=20.0, mType=2, mName=TYPE_BATTERY, mStatus=0}",
        "Temperature{mValue=60.0, mType=6, mName=battery_cycle, mStatus=0}",
        "Temperature{mValue=15.0, mType=4, mName=TYPE_USB_PORT, mStatus=0}");

    Description next = processor.process(newMachine(), android("", "", cycles, TEN_NANOSECONDS), NOW);

    assertEquals(60.0, next.temperature().get("battery_cycle"));
    assertEquals("", next.recovering());
  }

  // Go: TestTemperatureFromAndroid_FindTempInThermalServiceOutput
  @Test
  void temperaturesFromThermalService() {
    assertEquals(Map.of("TYPE_CPU", 26.3, "TYPE_BATTERY", 25.9, "TYPE_SKIN", 27.1, "TYPE_USB_PORT", 25.6),
        ThermalService.temperatures(Fixtures.THERMALSERVICE_SAMSUNG));
  }

  // Go: TestTemperatureFromAndroid_ReturnFalseIfNoOutputFromThermalOrBatteryService
  @Test
  void noTemperaturesWithoutOutput() {
    assertNull(processor.process(newMachine(), android("", "", "", TEN_NANOSECONDS), NOW).temperature());
  }

  // Go: TestTemperatureFromAndroid_FindTempInBatteryServiceOutput (tab-indented, as some devices print it)
  @Test
  void temperatureFromBatteryService() {
    String tabbed = battery(88).replace("\n  ", "\n\t").replace("technology", "temperature: 287\n\ttechnology");

    assertEquals(OptionalDouble.of(28.7), DumpsysBattery.parse(tabbed).temperature());
    assertEquals(Map.of("dumpsys_battery", 28.7),
        processor.process(newMachine(), android("", tabbed, "", TEN_NANOSECONDS), NOW).temperature());
  }

  // Go: TestProcessAndroidEvent_PowerCycled_PowerCycleRetained
  @Test
  void powerCycleRequestIsRetained() {
    Description previous = newMachine().toBuilder().powerCycle(true).build();

    assertTrue(processor.process(previous, android("", "", "", TEN_NANOSECONDS), NOW).powerCycle());
  }

  // Go: TestProcessAndroidEvent_NotPowerCycled_NotPowerCycleRetained
  @Test
  void noPowerCycleRequestIsRetained() {
    assertFalse(processor.process(newMachine(), android("", "", "", TEN_NANOSECONDS), NOW).powerCycle());
  }

  // Go: Test_handleGeneralFields (the Go test reads the running-task metric; here, the field)
  @Test
  void generalFields() {
    Description previous = newMachine().toBuilder()
        .dimensions(Map.of("id", List.of(ID), "os", List.of("Android"), "device_type", List.of("oriole")))
        .build();

    Description next = processor.process(previous, Event.rawState(HOST).withFlags(true, false, false), NOW);

    assertTrue(next.runningSwarmingTask());
    assertEquals(NOW, next.lastUpdated());
    assertEquals(VERSION, next.version());
    assertEquals(List.of(VERSION), next.dimensions().get("tmm_version"));
  }

  private static Description standalone(String id, Event.Standalone host) {
    Event event = new Event(Event.RAW_STATE, null, null, null, null, host,
        new Event.Host(id, VERSION, BEFORE), false, false, true);
    return new Processor(USER).process(Description.builder().build(), event, NOW);
  }

  private static Description standaloneExpected(Map<String, List<String>> dims) {
    return Description.builder().lastUpdated(NOW).launchedSwarming(true).dimensions(dims).version(VERSION).build();
  }

  // Go: TestProcess_Standalone_NotOnGCE_Success (no gpus: the Go store drops the nil "gpu" too)
  @Test
  void standaloneHost() {
    Description next = standalone("skia-e-linux-210", new Event.Standalone(
        16, List.of("x86-64"), null, List.of("Debian", "Debian-12", "Debian-12.4", "Linux"), false, "", false));

    assertEquals(standaloneExpected(Map.of(
        "id", List.of("skia-e-linux-210"),
        "cores", List.of("16"),
        "os", List.of("Debian", "Debian-12", "Debian-12.4", "Linux"),
        "cpu", List.of("x86-64"),
        "tmm_version", List.of(VERSION))), stored(next));
  }

  // Go: TestProcess_Standalone_OnGCE_Success
  @Test
  void standaloneGceVm() {
    Description next = standalone("skia-e-gce-210", new Event.Standalone(
        2, List.of("x86-64"), null, List.of("Debian", "Debian-12", "Debian-12.4", "Linux"), true, "e2-standard-2", false));

    assertEquals(standaloneExpected(Map.of(
        "id", List.of("skia-e-gce-210"),
        "cores", List.of("2"),
        "os", List.of("Debian", "Debian-12", "Debian-12.4", "Linux"),
        "cpu", List.of("x86-64"),
        "gce", List.of("1"),
        "machine_type", List.of("e2-standard-2"),
        "tmm_version", List.of(VERSION))), stored(next));
  }

  // Go: TestProcess_Standalone_DockerInstalled_Success
  @Test
  void standaloneWithDocker() {
    Description next = standalone("skia-e-linux-210", new Event.Standalone(
        16, List.of("x86-64"), null, List.of("Debian", "Debian-12", "Debian-12.4", "Linux"), false, "", true));

    assertEquals(standaloneExpected(Map.of(
        "id", List.of("skia-e-linux-210"),
        "cores", List.of("16"),
        "os", List.of("Debian", "Debian-12", "Debian-12.4", "Linux"),
        "cpu", List.of("x86-64"),
        "docker_installed", List.of("true"),
        "tmm_version", List.of(VERSION))), stored(next));
  }

  private static Event devKit() {
    return Event.rawState(new Event.Host("skia-i-rpi-011", VERSION, BEFORE))
        .withFlags(false, false, true)
        .withPyOCD(new Event.PyOCD("NUCLEO-H563ZI"));
  }

  private static final Description DEV_KIT = standaloneExpected(Map.of(
      "id", List.of("skia-i-rpi-011"),
      "device_type", List.of("NUCLEO-H563ZI"),
      "tmm_version", List.of(VERSION)));

  // Go: TestProcess_PyOCD_DeviceConnected_Success
  @Test
  void devKitConnected() {
    assertEquals(DEV_KIT, stored(processor.process(Description.builder().build(), devKit(), NOW)));
  }

  // Go: TestProcess_PyOCD_PreviouslyQuarantined_NewSettingClears
  @Test
  void devKitClearsRecovering() {
    Description previous = Description.builder().recovering("Something was wrong with this").build();

    assertEquals(DEV_KIT, stored(processor.process(previous, devKit(), NOW)));
  }
}
