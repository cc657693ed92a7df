package io.machinestate.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.machinestate.protocol.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/** Events shaped like a Pixel's: a full getprop, dumpsys battery and thermalservice, as agents send. */
final class AndroidEvents {
  private static final String GETPROP_TAIL = String.join("\n",
      "[dalvik.vm.heapsize]: [512m]", "[dalvik.vm.isa.arm64.variant]: [cortex-a76]",
      "[gsm.operator.alpha]: []", "[init.svc.adbd]: [running]", "[persist.sys.locale]: [en-US]",
      "[persist.sys.timezone]: [America/New_York]", "[ro.board.platform]: [gs201]",
      "[ro.build.characteristics]: [nosdcard]", "[ro.build.date]: [Tue Oct 10 19:32:11 UTC 2023]",
      "[ro.build.fingerprint]: [google/panther/panther:14/UP1A.231005.007/10754064:user/release-keys]",
      "[ro.build.id]: [UP1A.231005.007]", "[ro.build.tags]: [release-keys]", "[ro.build.type]: [user]",
      "[ro.build.version.incremental]: [10754064]", "[ro.build.version.release]: [14]",
      "[ro.build.version.sdk]: [34]", "[ro.hardware]: [panther]", "[ro.product.board]: [panther]",
      "[ro.product.brand]: [google]", "[ro.product.cpu.abi]: [arm64-v8a]", "[ro.product.device]: [panther]",
      "[ro.product.manufacturer]: [Google]", "[ro.product.model]: [Pixel 7]", "[ro.product.name]: [panther]",
      "[ro.product.system.brand]: [google]", "[ro.serialno]: [28101FDH2000AB]",
      "[ro.vendor.build.security_patch]: [2023-10-05]", "[sys.boot_completed]: [1]",
      "[vold.has_adoptable]: [0]", "[wifi.interface]: [wlan0]") + "\n";

  private static final String THERMAL = """
      IsStatusOverride: false
      ThermalEventListeners:
      \tcallbacks: 1
      Current temperatures from HAL:
      \tTemperature{mValue=%s, mType=2, mName=battery, mStatus=0}
      \tTemperature{mValue=%s, mType=3, mName=skin, mStatus=0}
      \tTemperature{mValue=31000.0, mType=0, mName=cpu0, mStatus=0}
      \tTemperature{mValue=-40.0, mType=9, mName=usb_port, mStatus=0}
      Current cooling devices from HAL:
      \tCoolingDevice{mValue=0, mType=2, mName=battery}
      """;

  private final ObjectMapper json;

  AndroidEvents(ObjectMapper json) {
    this.json = json;
  }

  byte[] event(String machineId) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int level = 60 + r.nextInt(40);
    String battery = "Current Battery Service state:\n  AC powered: false\n  USB powered: true\n"
        + "  status: 2\n  health: 2\n  present: true\n  level: " + level + "\n  scale: 100\n"
        + "  voltage: 4301\n  temperature: " + (240 + r.nextInt(60)) + "\n  technology: Li-ion\n";
    String thermal = THERMAL.formatted(25 + r.nextInt(5) + ".5", 28 + r.nextInt(4) + ".0");
    Event e = Event.rawState(new Event.Host(machineId, "v20261120-bench", Instant.parse("2026-11-24T08:00:00Z")))
        .withAndroid(new Event.Android(GETPROP_TAIL, battery, thermal, Duration.ofSeconds(3600 + r.nextInt(100_000))))
        .withFlags(r.nextBoolean(), false, true);
    try {
      return json.writeValueAsBytes(e);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
