package io.machinestate.server.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AndroidPropertiesTest {
  /** The Go server's regexp, which the hand-written reader must agree with. */
  private static final Pattern GO = Pattern.compile("^\\[(.+)\\]:[\t\n\f\r ]*\\[(.*)\\]",
      Pattern.MULTILINE | Pattern.UNIX_LINES);

  @Test
  void readsWhatTheGoRegexpReads() {
    Random random = new Random(20261127);
    String alphabet = "[[[]]]::  \n\n\r\t\u000bab";
    for (int i = 0; i < 50_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(40); n > 0; n--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertEquals(byRegexp(text.toString()), AndroidProperties.read(text.toString()), text.toString());
    }
    assertEquals(byRegexp(Fixtures.GETPROP), AndroidProperties.read(Fixtures.GETPROP));
  }

  private static Map<String, String> byRegexp(String text) {
    Map<String, String> properties = new HashMap<>();
    Matcher m = GO.matcher(text);
    while (m.find()) {
      properties.put(m.group(1), m.group(2));
    }
    return properties;
  }

  @Test
  void readsValuesWithSpacesBracketsAndEmptyValues() {
    AndroidProperties props = AndroidProperties.parse(Fixtures.GETPROP);

    assertEquals("Pixel 7", props.get("ro.product.model"));
    assertEquals("Mon Jan 22 18:55:31 UTC 2024", props.get("ro.build.date"));
    assertEquals("[FW] 18.42.7 (r1011200) [CLM] 9.9.4", props.get("vendor.wlan.firmware.version"));
    assertEquals("", props.get("ro.product.vendor.brand"));
    assertEquals("", props.get("no.such.property"));
  }

  @Test
  void skipsContinuationLinesOfMultiLineValues() {
    AndroidProperties props = AndroidProperties.parse(Fixtures.GETPROP);

    assertEquals("", props.get("persist.sys.boot.reason.history"));
    assertEquals("libart.so", props.get("persist.sys.dalvik.vm.lib.2"));
  }

  @Test
  void laterLineWinsAndCrLfIsAccepted() {
    AndroidProperties props = AndroidProperties.parse("[ro.build.type]: [user]\r\n[ro.build.type]: [userdebug]\r\n");

    assertEquals("userdebug", props.get("ro.build.type"));
  }

  @Test
  void dimensionsOfARealPixel() {
    Map<String, List<String>> dims = AndroidProperties.parse(Fixtures.GETPROP).dimensions();

    assertEquals(Map.of(
        "device_os", List.of("U", "UQ1A.240205.004", "UQ1A.240205.004_11269751"),
        "device_os_flavor", List.of("google"),
        "device_os_type", List.of("user"),
        "device_type", List.of("panther"),
        "android_devices", List.of("1"),
        "os", List.of("Android"),
        "android_hwasan_build", List.of()), dims);
  }

  @Test
  void keepsEveryDistinctNonEmptyValueInPropertyOrder() {
    Map<String, List<String>> dims = AndroidProperties.parse(String.join("\n",
        "[ro.product.manufacturer]: [Google]",
        "[ro.build.id]: [QQ2A.200305.002]",
        "[ro.product.brand]: [google]",
        "[ro.build.type]: [userdebug]",
        "[ro.product.board]: []",
        "[ro.product.device]: [4560MMX_sprout]",
        "[ro.build.product]: [sargo]",
        "[ro.product.system.brand]: [AOSP]",
        "[ro.product.name]: [aosp_sunfish_hwasan]")).dimensions();

    assertEquals(List.of("4560MMX_sprout", "sargo"), dims.get("device_type"));
    assertEquals(List.of("google", "android"), dims.get("device_os_flavor"));
    assertEquals(List.of("Q", "QQ2A.200305.002"), dims.get("device_os"));
    assertEquals(List.of("1"), dims.get("android_hwasan_build"));
  }

  @Test
  void flavorsThatMeanTheSameAreListedOnce() {
    Map<String, List<String>> dims = AndroidProperties.parse(
        "[ro.product.brand]: [Google]\n[ro.product.system.brand]: [google]\n").dimensions();

    assertEquals(List.of("google"), dims.get("device_os_flavor"));
  }

  @Test
  void firstLetterOnlyWhenUpperCase() {
    Map<String, List<String>> dims = AndroidProperties.parse(
        "[ro.build.id]: [eng.builder]\n[ro.build.version.incremental]: [20240101]\n").dimensions();

    assertEquals(List.of("eng.builder", "eng.builder_20240101"), dims.get("device_os"));
  }

  @Test
  void aBuildIdStartingWithADigitAddsTheDigit() {
    Map<String, List<String>> dims = AndroidProperties.parse("[ro.build.id]: [12345]\n").dimensions();

    assertEquals(List.of("1", "12345"), dims.get("device_os"));
  }

  @Test
  void firstCharacterIsAddedWhenAsciiAndNotALowerCaseLetter() {
    assertEquals(List.of("-", "-rc1"),
        AndroidProperties.parse("[ro.build.id]: [-rc1]\n").dimensions().get("device_os"));
    assertEquals(List.of("\u00c9clair"),
        AndroidProperties.parse("[ro.build.id]: [\u00c9clair]\n").dimensions().get("device_os"));
  }

  @Test
  void onlyNewlineEndsALine() {
    Map<String, List<String>> dims = AndroidProperties.parse("[ro.build.id]: [UQ1A\u2028x]\n").dimensions();

    assertEquals(List.of("U", "UQ1A\u2028x"), dims.get("device_os"));
  }

  @Test
  void withoutBuildIdThereIsNoAndroidOsAndIncrementalIsIgnored() {
    Map<String, List<String>> dims = AndroidProperties.parse(
        "[ro.build.version.incremental]: [11269751]\n[ro.product.device]: [panther]\n").dimensions();

    assertEquals(List.of(), dims.get("device_os"));
    assertEquals(List.of(), dims.get("android_devices"));
    assertEquals(List.of(), dims.get("os"));
    assertEquals(List.of("panther"), dims.get("device_type"));
  }

  @Test
  void emptyOutputGivesOnlyEmptyDimensions() {
    Map<String, List<String>> dims = AndroidProperties.parse("").dimensions();

    dims.forEach((key, values) -> assertEquals(List.of(), values, key));
  }
}
