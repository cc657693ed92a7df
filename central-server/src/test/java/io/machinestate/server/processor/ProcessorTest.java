package io.machinestate.server.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.machinestate.protocol.Annotation;
import io.machinestate.protocol.AttachedDevice;
import io.machinestate.protocol.Description;
import io.machinestate.protocol.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ProcessorTest {
  private static final String SERVER_USER = "machines.example.org";
  private static final Instant RECOVERY_BEGAN = Instant.parse("2026-11-24T09:00:00Z");
  private static final Instant BEFORE = Instant.parse("2026-11-24T10:00:00Z");
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:30.123456789Z");
  private static final String MACHINE = "skia-rpi2-rack4-shelf1-001";
  private static final String VERSION = "2026-11-20T10_00_00Z-lab-abc1234-clean";
  private static final Event.Host HOST = new Event.Host(MACHINE, VERSION, BEFORE);
  private static final Annotation OPERATOR_NOTE = new Annotation("Replaced USB hub", "alice@example.org", RECOVERY_BEGAN);

  private final Processor processor = new Processor(SERVER_USER);

  private static String hot(String thermalservice) {
    return thermalservice.replace("mValue=33.800003, mType=0, mName=BIG", "mValue=41.3, mType=0, mName=BIG");
  }

  private static String lowBattery(String dumpsysBattery) {
    return dumpsysBattery.replace("level: 94", "level: 12");
  }

  private static Event android(String getprop, String battery, String thermalservice) {
    return Event.rawState(HOST).withAndroid(
        new Event.Android(getprop, battery, thermalservice, Duration.ofHours(26).plusMillis(999)));
  }

  private static Event healthyAndroid() {
    return android(Fixtures.GETPROP, Fixtures.DUMPSYS_BATTERY, Fixtures.DUMPSYS_THERMALSERVICE);
  }

  private static Description recovering(String message) {
    return Description.newDescription(BEFORE).toBuilder()
        .attachedDevice(AttachedDevice.ADB)
        .recovering(message)
        .recoveryStart(RECOVERY_BEGAN)
        .annotation(new Annotation(message, SERVER_USER, RECOVERY_BEGAN))
        .build();
  }

  /** A deep copy, to show that processing left the previous Description's maps alone. */
  private static Map<String, List<String>> snapshot(Map<String, List<String>> dims) {
    Map<String, List<String>> copy = new HashMap<>();
    dims.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
    return copy;
  }

  @Test
  void otherEventTypesLeaveTheDescriptionAsIs() {
    Description previous = recovering("Battery low.");
    Event event = new Event("heartbeat", null, null, null, null, null, HOST, true, true, true);

    assertFalse(Processor.handles(event));
    assertSame(previous, processor.process(previous, event, NOW));
    assertTrue(Processor.handles(healthyAndroid()));
  }

  @Nested
  class Android {
    @Test
    void firstEventOfANewMachine() {
      Description next = processor.process(Description.newDescription(NOW), healthyAndroid(), NOW);

      Map<String, List<String>> dims = new TreeMap<>(Map.of(
          "android_devices", List.of("1"),
          "android_hwasan_build", List.of(),
          "device_os", List.of("U", "UQ1A.240205.004", "UQ1A.240205.004_11269751"),
          "device_os_flavor", List.of("google"),
          "device_os_type", List.of("user"),
          "device_type", List.of("panther"),
          "id", List.of(MACHINE),
          "os", List.of("Android"),
          "tmm_version", List.of(VERSION)));
      Map<String, Double> temperatures = new TreeMap<>(Fixtures.THERMALSERVICE_TEMPERATURES);
      temperatures.put("dumpsys_battery", 24.8);
      assertEquals(Description.newDescription(NOW).toBuilder()
          .dimensions(dims)
          .battery(94)
          .temperature(temperatures)
          .deviceUptime(26 * 3600)
          .version(VERSION)
          .lastUpdated(NOW)
          .build(), next);
    }

    @Test
    void batteryCycleCountIsNotATemperature() {
      // The fixture's battery_cycle "temperature" is 412; every real sensor is under 35 °C.
      Description next = processor.process(Description.newDescription(BEFORE), healthyAndroid(), NOW);

      assertEquals(412.0, next.temperature().get("battery_cycle"));
      assertEquals("", next.recovering());
    }

    @Test
    void lowBatteryEntersRecovery() {
      Event event = android(Fixtures.GETPROP, lowBattery(Fixtures.DUMPSYS_BATTERY), Fixtures.DUMPSYS_THERMALSERVICE);

      Description next = processor.process(Description.newDescription(BEFORE), event, NOW);

      assertEquals(12, next.battery());
      assertEquals("Battery low.", next.recovering());
      assertEquals(NOW, next.recoveryStart());
      assertEquals(new Annotation("Battery low.", SERVER_USER, NOW), next.annotation());
    }

    @Test
    void hotSensorEntersRecovery() {
      Event event = android(Fixtures.GETPROP, Fixtures.DUMPSYS_BATTERY, hot(Fixtures.DUMPSYS_THERMALSERVICE));

      Description next = processor.process(Description.newDescription(BEFORE), event, NOW);

      assertEquals(41.3, next.temperature().get("BIG"));
      assertEquals("Too hot.", next.recovering());
      assertEquals(new Annotation("Too hot.", SERVER_USER, NOW), next.annotation());
    }

    @Test
    void aHotSensorOfNegativeTypeIsNotReadSoNotTooHot() {
      String virtualSensorHot = Fixtures.DUMPSYS_THERMALSERVICE.replace(
          "mValue=22.912, mType=-1, mName=neutral_therm", "mValue=40.0, mType=-1, mName=neutral_therm");

      Description next = processor.process(Description.newDescription(BEFORE),
          android(Fixtures.GETPROP, Fixtures.DUMPSYS_BATTERY, virtualSensorHot), NOW);

      assertFalse(next.temperature().containsKey("neutral_therm"));
      assertEquals("", next.recovering());
    }

    @Test
    void aHotSensorOnADoublyIndentedLineIsTooHot() {
      String indented = Fixtures.DUMPSYS_THERMALSERVICE.replace(
          "\tTemperature{mValue=33.800003, mType=0, mName=BIG", "\t\tTemperature{mValue=40.0, mType=0, mName=BIG");

      Description next = processor.process(Description.newDescription(BEFORE),
          android(Fixtures.GETPROP, Fixtures.DUMPSYS_BATTERY, indented), NOW);

      assertEquals("Too hot.", next.recovering());
    }

    @Test
    void aLevelWithoutSpaceIsUnreadableNotLow() {
      String noSpace = Fixtures.DUMPSYS_BATTERY.replace("level: 94", "level:20");

      Description next = processor.process(Description.newDescription(BEFORE),
          android(Fixtures.GETPROP, noSpace, Fixtures.DUMPSYS_THERMALSERVICE), NOW);

      assertEquals(-99, next.battery());
      assertEquals("", next.recovering());
    }

    @Test
    void hotBatteryAloneIsTooHot() {
      String battery = Fixtures.DUMPSYS_BATTERY.replace("temperature: 248", "temperature: 371");

      Description next = processor.process(Description.newDescription(BEFORE), android(Fixtures.GETPROP, battery, ""), NOW);

      assertEquals(Map.of("dumpsys_battery", 37.1), next.temperature());
      assertEquals("Too hot.", next.recovering());
    }

    @Test
    void bothProblemsAreJoined() {
      Event event = android(Fixtures.GETPROP, lowBattery(Fixtures.DUMPSYS_BATTERY), hot(Fixtures.DUMPSYS_THERMALSERVICE));

      Description next = processor.process(Description.newDescription(BEFORE), event, NOW);

      assertEquals("Battery low. Too hot.", next.recovering());
      assertEquals("Battery low. Too hot.", next.annotation().message());
    }

    @Test
    void stayingInRecoveryKeepsStartAndAnnotationButUpdatesTheReason() {
      Description previous = recovering("Battery low.");
      Event event = android(Fixtures.GETPROP, lowBattery(Fixtures.DUMPSYS_BATTERY), hot(Fixtures.DUMPSYS_THERMALSERVICE));

      Description next = processor.process(previous, event, NOW);

      assertEquals("Battery low. Too hot.", next.recovering());
      assertEquals(RECOVERY_BEGAN, next.recoveryStart());
      assertEquals(previous.annotation(), next.annotation());
    }

    @Test
    void healthyDeviceLeavesRecovery() {
      Description next = processor.process(recovering("Battery low."), healthyAndroid(), NOW);

      assertEquals("", next.recovering());
      assertEquals(new Annotation("Leaving recovery mode.", SERVER_USER, NOW), next.annotation());
    }

    @Test
    void healthyDeviceNotRecoveringKeepsItsAnnotation() {
      Description previous = Description.newDescription(BEFORE).toBuilder().annotation(OPERATOR_NOTE).build();

      Description next = processor.process(previous, healthyAndroid(), NOW);

      assertEquals(OPERATOR_NOTE, next.annotation());
      assertEquals("", next.recovering());
    }

    @Test
    void unreadableBatteryIsNotAReasonToRecover() {
      Event event = android(Fixtures.GETPROP, Fixtures.DUMPSYS_BATTERY.replace("scale: 100", "scale: 0"), "");

      Description next = processor.process(Description.newDescription(BEFORE), event, NOW);

      assertEquals(-99, next.battery());
      assertEquals("", next.recovering());
    }

    @Test
    void noTemperatureFoundIsNull() {
      Event event = android(Fixtures.GETPROP, Fixtures.DUMPSYS_BATTERY.replace("  temperature: 248\n", ""), "");

      Description next = processor.process(Description.newDescription(BEFORE), event, NOW);

      assertNull(next.temperature());
      assertEquals(94, next.battery());
    }

    @Test
    void powerCycleRequestIsKept() {
      Description previous = Description.newDescription(BEFORE).toBuilder().powerCycle(true).build();

      assertTrue(processor.process(previous, healthyAndroid(), NOW).powerCycle());
    }

    @Test
    void replacesItsOwnDimensionsAndKeepsOthersWithoutTouchingPrevious() {
      Map<String, List<String>> before = new TreeMap<>(Map.of(
          "android_hwasan_build", new ArrayList<>(List.of("1")),
          "device_type", new ArrayList<>(List.of("sunfish")),
          "sk_rack", new ArrayList<>(List.of("rack4")),
          "quarantined", new ArrayList<>(List.of("Device [\"sunfish\"] has gone missing"))));
      Description previous = Description.newDescription(BEFORE).toBuilder().dimensions(before).build();
      Map<String, List<String>> untouched = snapshot(before);

      Description next = processor.process(previous, healthyAndroid(), NOW);

      assertEquals(List.of(), next.dimensions().get("android_hwasan_build"));
      assertEquals(List.of("panther"), next.dimensions().get("device_type"));
      assertEquals(List.of("rack4"), next.dimensions().get("sk_rack"));
      // The store recomputes "quarantined" on every write; the processor leaves it be.
      assertEquals(List.of("Device [\"sunfish\"] has gone missing"), next.dimensions().get("quarantined"));
      assertNotSame(before, next.dimensions());
      assertEquals(untouched, snapshot(previous.dimensions()));
    }
  }

  @Nested
  class ChromeOS {
    private final Event event = Event.rawState(HOST).withChromeOS(
        new Event.ChromeOS("stable-channel", "89", "13729.56.0", Duration.ofSeconds(123)));

    private Description chromebook(String recovering) {
      return Description.newDescription(BEFORE).toBuilder()
          .attachedDevice(AttachedDevice.SSH)
          .sshUserIP("root@skia-sparky360-03")
          .recovering(recovering)
          .battery(55)
          .temperature(Map.of("cpu", 40.0))
          .suppliedDimensions(Map.of("cpu", List.of("arm"), "gpu", List.of("MaliT654")))
          .dimensions(Map.of(
              "id", List.of(MACHINE),
              "os", List.of("Debian", "Debian-11", "Linux"),
              "cpu", List.of("x86", "x86-64"),
              "gpu", List.of("none")))
          .build();
    }

    @Test
    void suppliedDimensionsOverrideAndChromeOSDimensionsAreAdded() {
      Description previous = chromebook("");
      Map<String, List<String>> untouched = snapshot(previous.dimensions());

      Description next = processor.process(previous, event, NOW);

      assertEquals(new TreeMap<>(Map.of(
          "id", List.of(MACHINE),
          "os", List.of("ChromeOS"),
          "cpu", List.of("arm"),
          "gpu", List.of("MaliT654"),
          "chromeos_channel", List.of("stable-channel"),
          "chromeos_milestone", List.of("89"),
          "release_version", List.of("13729.56.0"),
          "tmm_version", List.of(VERSION))), next.dimensions());
      assertEquals(0, next.battery());
      assertNull(next.temperature());
      assertEquals(123, next.deviceUptime());
      assertEquals(untouched, snapshot(previous.dimensions()));
    }

    @Test
    void reachableAgainLeavesRecovery() {
      Description next = processor.process(chromebook("Device \"root@skia-sparky360-03\" has gone missing"), event, NOW);

      assertEquals("", next.recovering());
      assertEquals(new Annotation("Leaving recovery mode.", SERVER_USER, NOW), next.annotation());
    }

    @Test
    void withoutSuppliedDimensions() {
      Description previous = chromebook("").toBuilder().suppliedDimensions(null).build();

      Description next = processor.process(previous, event, NOW);

      assertEquals(List.of("x86", "x86-64"), next.dimensions().get("cpu"));
      assertEquals(List.of("ChromeOS"), next.dimensions().get("os"));
    }
  }

  @Nested
  class IOS {
    @Test
    void withVersion() {
      Event event = Event.rawState(HOST).withIOS(new Event.IOS("17.2.1", "iPhone15,2", 87));

      Description next = processor.process(Description.newDescription(BEFORE), event, NOW);

      assertEquals(List.of("iOS", "iOS-17.2.1"), next.dimensions().get("os"));
      assertEquals(List.of("iPhone15,2"), next.dimensions().get("device_type"));
      assertEquals("", next.recovering());
    }

    @Test
    void withoutVersion() {
      Event event = Event.rawState(HOST).withIOS(new Event.IOS("", "iPad6,3", 87));

      Description next = processor.process(Description.newDescription(BEFORE), event, NOW);

      assertEquals(List.of("iOS"), next.dimensions().get("os"));
      assertEquals(List.of("iPad6,3"), next.dimensions().get("device_type"));
    }

    @Test
    void lowBatteryEntersRecoveryAndUnreadableDoesNot() {
      Event low = Event.rawState(HOST).withIOS(new Event.IOS("17.2.1", "iPhone15,2", 29));
      Event unreadable = Event.rawState(HOST).withIOS(new Event.IOS("17.2.1", "iPhone15,2", -99));

      Description next = processor.process(Description.newDescription(BEFORE), low, NOW);
      // The Go server's iOS reason ends in a space; Swarming sees it in the quarantined dimension.
      assertEquals("Battery low. ", next.recovering());
      assertEquals(new Annotation("Battery low. ", SERVER_USER, NOW), next.annotation());

      assertEquals("", processor.process(Description.newDescription(BEFORE), unreadable, NOW).recovering());
    }

    @Test
    void chargedLeavesRecovery() {
      Event event = Event.rawState(HOST).withIOS(new Event.IOS("17.2.1", "iPhone15,2", 30));

      Description next = processor.process(recovering("Battery low."), event, NOW);

      assertEquals("", next.recovering());
      assertEquals("Leaving recovery mode.", next.annotation().message());
    }
  }

  @Nested
  class PyOCD {
    @Test
    void devKitDimensionsAndRecoveringClearedWithoutAnnotation() {
      Description previous = Description.newDescription(BEFORE).toBuilder()
          .recovering("Something was wrong with this")
          .annotation(OPERATOR_NOTE)
          .battery(50)
          .temperature(Map.of("x", 20.0))
          .build();
      Event event = Event.rawState(HOST).withPyOCD(new Event.PyOCD("STM32U5G9J-DK1"));

      Description next = processor.process(previous, event, NOW);

      assertEquals(new TreeMap<>(Map.of(
          "id", List.of(MACHINE),
          "device_type", List.of("STM32U5G9J-DK1"),
          "tmm_version", List.of(VERSION))), next.dimensions());
      assertEquals("", next.recovering());
      assertEquals(OPERATOR_NOTE, next.annotation());
      assertEquals(0, next.battery());
      assertNull(next.temperature());
    }
  }

  @Nested
  class Standalone {
    private static Event.Standalone linux(boolean gce, String machineType, boolean docker) {
      return new Event.Standalone(8, List.of("x86", "x86-64", "x86-64-i7-9750H"),
          List.of("10de", "10de:1f91", "10de:1f91-535.129.03"),
          List.of("Linux", "Debian", "Debian-12", "Debian-12.5"), gce, machineType, docker);
    }

    @Test
    void physicalHost() {
      Description previous = Description.newDescription(BEFORE).toBuilder()
          .battery(40)
          .temperature(Map.of("x", 20.0))
          .dimensions(Map.of("gce", List.of("1"), "machine_type", List.of("n1-standard-4")))
          .build();
      Event event = Event.rawState(HOST).withStandalone(linux(false, "", false));

      Description next = processor.process(previous, event, NOW);

      assertEquals(new TreeMap<>(Map.of(
          "id", List.of(MACHINE),
          "cores", List.of("8"),
          "os", List.of("Linux", "Debian", "Debian-12", "Debian-12.5"),
          "cpu", List.of("x86", "x86-64", "x86-64-i7-9750H"),
          "gpu", List.of("10de", "10de:1f91", "10de:1f91-535.129.03"),
          "gce", List.of(),
          "machine_type", List.of(),
          "docker_installed", List.of(),
          "tmm_version", List.of(VERSION))), next.dimensions());
      assertEquals(0, next.battery());
      assertNull(next.temperature());
    }

    @Test
    void gceVmWithDocker() {
      Event event = Event.rawState(HOST).withStandalone(linux(true, "n1-highmem-2", true));

      Description next = processor.process(Description.newDescription(BEFORE), event, NOW);

      assertEquals(List.of("1"), next.dimensions().get("gce"));
      assertEquals(List.of("n1-highmem-2"), next.dimensions().get("machine_type"));
      assertEquals(List.of("true"), next.dimensions().get("docker_installed"));
    }

    @Test
    void missingListsAreEmptyAndRecoveringIsLeftAlone() {
      Event event = Event.rawState(HOST).withStandalone(new Event.Standalone(2, null, null, null, false, "", false));
      Description previous = recovering("Battery low.");

      Description next = processor.process(previous, event, NOW);

      assertEquals(List.of(), next.dimensions().get("cpu"));
      assertEquals(List.of(), next.dimensions().get("os"));
      assertEquals("Battery low.", next.recovering());
      assertEquals(previous.annotation(), next.annotation());
    }
  }

  @Nested
  class MissingDevice {
    private final Event nothing = Event.rawState(HOST);

    @Test
    void androidDeviceGoneMissing() {
      Map<String, List<String>> dims = Map.of(
          "id", List.of("old-name"),
          "android_devices", List.of("1"),
          "device_type", List.of("sargo"),
          "os", List.of("Android"));
      Description previous = Description.newDescription(BEFORE).toBuilder()
          .attachedDevice(AttachedDevice.ADB)
          .battery(80)
          .temperature(Map.of("battery", 25.0))
          .dimensions(dims)
          .build();

      Description next = processor.process(previous, nothing, NOW);

      assertEquals("Device [\"sargo\"] has gone missing", next.recovering());
      assertEquals(NOW, next.recoveryStart());
      assertEquals(new Annotation("Device [\"sargo\"] has gone missing", SERVER_USER, NOW), next.annotation());
      assertEquals(new TreeMap<>(Map.of(
          "id", List.of(MACHINE),
          "android_devices", List.of("1"),
          "device_type", List.of("sargo"),
          "os", List.of("Android"),
          "tmm_version", List.of(VERSION))), next.dimensions());
      assertEquals(0, next.battery());
      assertNull(next.temperature());
    }

    @Test
    void everyDeviceTypeIsPrinted() {
      Description previous = Description.newDescription(BEFORE).toBuilder()
          .dimensions(Map.of("device_type", List.of("4560MMX_sprout", "sargo")))
          .build();

      assertEquals("Device [\"4560MMX_sprout\" \"sargo\"] has gone missing",
          processor.process(previous, nothing, NOW).recovering());
    }

    @Test
    void chromebookGoneMissing() {
      Description previous = Description.newDescription(BEFORE).toBuilder()
          .attachedDevice(AttachedDevice.SSH)
          .sshUserIP("root@skia-sparky360-03")
          .dimensions(Map.of("os", List.of("ChromeOS"), "device_type", List.of("sparky360")))
          .build();

      Description next = processor.process(previous, nothing, NOW);

      assertEquals("Device \"root@skia-sparky360-03\" has gone missing", next.recovering());
      assertEquals(new Annotation("Device \"root@skia-sparky360-03\" has gone missing", SERVER_USER, NOW),
          next.annotation());
    }

    @Test
    void stillMissingKeepsWhenRecoveryBegan() {
      Description previous = recovering("Device [\"sargo\"] has gone missing").toBuilder()
          .dimensions(Map.of("device_type", List.of("sargo")))
          .build();

      Description next = processor.process(previous, nothing, NOW);

      assertEquals("Device [\"sargo\"] has gone missing", next.recovering());
      assertEquals(RECOVERY_BEGAN, next.recoveryStart());
      assertEquals(previous.annotation(), next.annotation());
    }

    @Test
    void noDeviceEverSeenIsNoReasonToRecover() {
      Description next = processor.process(Description.newDescription(BEFORE), nothing, NOW);

      assertEquals("", next.recovering());
      assertEquals(Annotation.EMPTY, next.annotation());
      assertEquals(new TreeMap<>(Map.of("id", List.of(MACHINE), "tmm_version", List.of(VERSION))), next.dimensions());
    }

    @Test
    void recoveringWithoutADeviceToNameStaysRecoveringAsInTheGoServer() {
      Description previous = recovering("Battery low.");

      Description next = processor.process(previous, nothing, NOW);

      assertEquals("Battery low.", next.recovering());
      assertEquals(RECOVERY_BEGAN, next.recoveryStart());
      assertEquals(previous.annotation(), next.annotation());
    }
  }

  @Nested
  class GeneralFields {
    @Test
    void copiedFromTheEventForEveryRule() {
      List<Event> events = List.of(
          healthyAndroid(),
          Event.rawState(HOST).withChromeOS(new Event.ChromeOS("beta-channel", "120", "15662.0.0", Duration.ofSeconds(5))),
          Event.rawState(HOST).withIOS(new Event.IOS("17.2.1", "iPhone15,2", 90)),
          Event.rawState(HOST).withPyOCD(new Event.PyOCD("STM32U5G9J-DK1")),
          Event.rawState(HOST).withStandalone(new Event.Standalone(4, null, null, null, false, "", false)),
          Event.rawState(HOST));
      for (Event event : events) {
        Description next = processor.process(Description.newDescription(BEFORE), event.withFlags(true, false, true), NOW);

        assertEquals(NOW, next.lastUpdated(), event.toString());
        assertTrue(next.runningSwarmingTask(), event.toString());
        assertTrue(next.launchedSwarming(), event.toString());
        assertEquals(VERSION, next.version(), event.toString());
        assertEquals(List.of(VERSION), next.dimensions().get("tmm_version"), event.toString());
        assertFalse(next.isQuarantined(), event.toString());
      }
    }

    @Test
    void flagsFalseAreCopiedToo() {
      Description previous = Description.newDescription(BEFORE).toBuilder()
          .runningSwarmingTask(true)
          .launchedSwarming(true)
          .build();

      Description next = processor.process(previous, healthyAndroid().withFlags(false, false, false), NOW);

      assertFalse(next.runningSwarmingTask());
      assertFalse(next.launchedSwarming());
    }

    @Test
    void forcedQuarantineSetsIsQuarantined() {
      Description next = processor.process(Description.newDescription(BEFORE),
          healthyAndroid().withFlags(false, true, false), NOW);

      assertTrue(next.isQuarantined());
    }

    @Test
    void onlyAnOperatorClearsQuarantine() {
      Description previous = Description.newDescription(BEFORE).toBuilder().isQuarantined(true).build();

      assertTrue(processor.process(previous, healthyAndroid(), NOW).isQuarantined());
    }

    @Test
    void operatorFieldsAreKept() {
      Description previous = Description.newDescription(BEFORE).toBuilder()
          .maintenanceMode("alice@example.org 2026-11-24T08:00:00Z")
          .note(OPERATOR_NOTE)
          .attachedDevice(AttachedDevice.ADB)
          .sshUserIP("")
          .build();

      Description next = processor.process(previous, healthyAndroid(), NOW);

      assertEquals(previous.maintenanceMode(), next.maintenanceMode());
      assertEquals(OPERATOR_NOTE, next.note());
      assertEquals(AttachedDevice.ADB, next.attachedDevice());
      assertEquals(previous.powerCycleState(), next.powerCycleState());
    }
  }
}
